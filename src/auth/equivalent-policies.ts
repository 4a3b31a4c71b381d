// src/auth — what the auth methods' renewal checks share (their `renewLogin` hooks): Vault's
// policyutil.EquivalentPolicies and the texts of its refusals. A refusal is a 400
// (invalid_request) naming the user or role the login recorded, never a credential.
import { ArcaError } from '../lib/errors.js';

/** Vault's text when a user's or role's policies no longer match the token's. */
export const POLICIES_CHANGED = 'policies have changed, not renewing';

/**
 * Whether two policy lists grant the same set, leaving "default" out of the comparison as
 * Vault does: the core may have added it to the token after the method chose its policies.
 */
export function equivalentPolicies(a: readonly string[], b: readonly string[]): boolean {
  const set = (list: readonly string[]): Set<string> => new Set(list.filter((p) => p !== 'default'));
  const left = set(a);
  const right = set(b);
  return left.size === right.size && [...left].every((p) => right.has(p));
}

/** The refusal of a renewal whose user or role was deleted (`kind` "user" or "role"). */
export function goneDuringRenewal(kind: 'user' | 'role', name: string): ArcaError {
  return new ArcaError('invalid_request', `${kind} ${JSON.stringify(name)} does not exist during renewal`);
}

/** The user or role name a login recorded in the token's metadata (Vault: "failed to fetch role_name during renewal"). */
export function recordedName(metadata: Readonly<Record<string, string>>, key: string): string {
  const name = metadata[key];
  if (name === undefined || name === '') throw new ArcaError('invalid_request', `failed to fetch ${key} during renewal`);
  return name;
}
