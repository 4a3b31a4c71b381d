// src/core/tokens — what a renewal extends a token with, when something other than the token
// itself decides it: the token role it was created through (Vault's token store authRenew)
// or the auth method whose login minted it (its AuthRenew answer). Every value left out
// falls back to what the token recorded at creation. The TTL arithmetic itself is
// calculateTtl's (Vault's framework.CalculateTTL), counted from the token's creation.
import type { MountConfig } from '../../framework/backend.js';

export interface TokenRenewalTerms {
  /** Seconds granted when the request names no increment (Vault's backend TTL); default: the token's creation TTL. */
  readonly ttl?: number;
  /** A role's or user's max TTL (Vault's Auth.MaxTTL), counted from creation; 0 = the mount's max only. Default 0. */
  readonly maxTtl?: number;
  /** Renew as a periodic token with this period; 0 = not periodic. Default: the token's period. */
  readonly period?: number;
  /** Hard cap counted from creation; 0 = none. Default: the token's explicit max TTL. */
  readonly explicitMaxTtl?: number;
  /** The mount limits that apply (a login token: its issuing mount's). Default: the token store's. */
  readonly limits?: MountConfig;
}

/** The lesser of two limits where 0 means "none". */
export function lesserLimit(a: number, b: number): number {
  if (a === 0) return b;
  if (b === 0) return a;
  return Math.min(a, b);
}
