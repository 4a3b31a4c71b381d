// src/core/leases — the TTL arithmetic Vault applies on issue and renewal of leases and
// tokens (its framework.CalculateTTL), as a pure function so it is tested on its own.
// Durations are whole seconds; times are epoch milliseconds truncated to the second.
import { ArcaError } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';

export interface TtlInput {
  readonly now: number;
  /** When the lease/token was first issued: the max TTL counts from here. */
  readonly startTime: number;
  /** Requested seconds (0 = use the backend TTL, then the mount default). */
  readonly increment: number;
  readonly backendTtl: number;
  /** A periodic token renews to this, forever unless an explicit max is set. */
  readonly period: number;
  /** A backend/role max (0 = none). */
  readonly backendMaxTtl: number;
  readonly explicitMaxTtl: number;
  /** The mount's (or system's) limits. */
  readonly defaultTtl: number;
  readonly maxTtl: number;
}

export interface TtlResult {
  readonly ttl: number;
  readonly warnings: string[];
}

export function calculateTtl(input: TtlInput): TtlResult {
  const now = Math.floor(input.now / 1000);
  const start = Math.floor(input.startTime / 1000);
  let maxTtl = input.maxTtl;
  if (input.backendMaxTtl > 0 && (maxTtl <= 0 || input.backendMaxTtl < maxTtl)) maxTtl = input.backendMaxTtl;
  if (input.explicitMaxTtl > 0 && (maxTtl <= 0 || input.explicitMaxTtl < maxTtl)) maxTtl = input.explicitMaxTtl;
  if (maxTtl <= 0) throw new ArcaError('internal', 'max TTL must be greater than zero');

  const warnings: string[] = [];
  let ttl: number;
  let maxValidTime: number | undefined;
  if (input.period > 0) {
    ttl = input.period;
    if (ttl > maxTtl) {
      warnings.push(`period of "${formatDuration(ttl)}" exceeded the effective max_ttl of "${formatDuration(maxTtl)}"; period value is capped accordingly`);
      ttl = maxTtl;
    }
    if (input.explicitMaxTtl > 0) maxValidTime = start + input.explicitMaxTtl;
  } else {
    ttl = input.increment > 0 ? input.increment : input.backendTtl > 0 ? input.backendTtl : input.defaultTtl;
    maxValidTime = start + maxTtl;
  }

  if (maxValidTime !== undefined) {
    const maxValidTtl = maxValidTime - now;
    if (maxValidTtl <= 0) throw new ArcaError('invalid_request', 'past the max TTL, cannot renew');
    if (ttl > maxValidTtl) {
      warnings.push(`TTL of "${formatDuration(ttl)}" exceeded the effective max_ttl of "${formatDuration(maxValidTtl)}"; TTL value is capped accordingly`);
      ttl = maxValidTtl;
    }
  }
  return { ttl, warnings };
}
