// src/policy — the merged, compiled permissions of one path pattern inside an Acl.
// Contract: immutable once compiled; `capabilities` is precomputed (sorted) so a check
// returns it without allocating. Wrapping TTLs are seconds, 0 = no bound.
import type { PolicyValue } from './policy.js';

export interface AclPermissions {
  readonly bits: number;
  readonly capabilities: readonly string[];
  /** Undefined or empty = parameters are not restricted. */
  readonly allowedParameters: ReadonlyMap<string, readonly PolicyValue[]> | undefined;
  readonly deniedParameters: ReadonlyMap<string, readonly PolicyValue[]> | undefined;
  readonly requiredParameters: readonly string[];
  readonly minWrappingTtl: number;
  readonly maxWrappingTtl: number;
}
