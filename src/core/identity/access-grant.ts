// src/core/identity — temporary access grants: extra policies for an entity or a group
// until a fixed instant. A grant needs no background job to end: `effective` includes it
// only while now < until, so expiry is exact on every node. Stored grants outlive their
// expiry (they are the record of who was given what, and why) until revoked.
import { randomUUID } from 'node:crypto';
import { ArcaError } from '../../lib/errors.js';
import { parseDuration } from '../../lib/duration.js';
import type { GrantRecord, GrantTarget } from './identity-records.js';

/** The longest a grant may run: temporary access that outlives a quarter is not temporary. */
export const MAX_GRANT_SECONDS = 90 * 86400;
const MAX_REASON = 1024;

export interface GrantInput {
  readonly target: GrantTarget;
  readonly id: string;
  readonly policies: readonly string[];
  /** RFC3339 instant, or a duration from now ("2h", "90m", seconds). */
  readonly until: string | number;
  readonly reason: string;
  readonly grantedBy: string;
}

function bad(message: string): ArcaError {
  return new ArcaError('invalid_request', message);
}

/** The end instant (epoch ms) of `until`, relative to `now` when it is a duration. */
export function parseGrantUntil(until: string | number, now: number): number {
  let end: number;
  if (typeof until === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(until.trim())) {
    end = Date.parse(until.trim());
    if (Number.isNaN(end)) throw bad(`invalid "until": expected an RFC3339 time or a duration`);
  } else {
    const seconds = parseDuration(until);
    if (seconds === undefined) throw bad(`invalid "until": expected an RFC3339 time or a duration`);
    end = now + seconds * 1000;
  }
  if (end <= now) throw bad('a grant must end in the future');
  if (end - now > MAX_GRANT_SECONDS * 1000) throw bad(`a grant may last at most ${MAX_GRANT_SECONDS / 86400} days`);
  return end;
}

/** A new grant record; `policies` must already be normalised. */
export function newGrant(input: GrantInput, policies: readonly string[], now: number): GrantRecord {
  if (policies.length === 0) throw bad('a grant needs at least one policy');
  const reason = input.reason.trim();
  if (reason === '') throw bad('a grant needs a reason');
  if (reason.length > MAX_REASON) throw bad(`the reason must be at most ${MAX_REASON} characters`);
  return {
    id: randomUUID(), target: input.target, targetId: input.id, policies: [...policies], created: now,
    until: parseGrantUntil(input.until, now), reason, grantedBy: input.grantedBy.slice(0, 512),
  };
}

export function isGrantActive(grant: GrantRecord, now: number): boolean {
  return now < grant.until;
}
