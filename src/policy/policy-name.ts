// src/policy — names of ACL policies. Names are trimmed and lower-cased (as Vault does), at
// most 128 characters, without control characters or "/" (a name is a single path segment of
// sys/policies/acl/<name>). "root" is built in and can be neither written nor deleted;
// "default" can be edited but not deleted. Contract: each function throws
// ArcaError('invalid_request') with a message quoting nothing but the offending name.
import { ArcaError } from '../lib/errors.js';

const MAX_NAME_LENGTH = 128;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const FORBIDDEN = /[\u0000-\u001f\u007f/]/;

export function normalizePolicyName(name: string): string {
  const normalised = name.trim().toLowerCase();
  if (normalised === '') throw new ArcaError('invalid_request', 'policy name must be provided');
  if (normalised.length > MAX_NAME_LENGTH) {
    throw new ArcaError('invalid_request', `policy name is longer than ${MAX_NAME_LENGTH} characters`);
  }
  if (FORBIDDEN.test(normalised)) throw new ArcaError('invalid_request', 'policy name contains an invalid character');
  return normalised;
}

/** Normalises and refuses names that cannot be written. */
export function writablePolicyName(name: string): string {
  const normalised = normalizePolicyName(name);
  if (normalised === 'root') throw new ArcaError('invalid_request', 'cannot update root policy');
  return normalised;
}

/** Normalises and refuses names that cannot be deleted. */
export function deletablePolicyName(name: string): string {
  const normalised = normalizePolicyName(name);
  if (normalised === 'root') throw new ArcaError('invalid_request', 'cannot delete root policy');
  if (normalised === 'default') throw new ArcaError('invalid_request', 'cannot delete default policy');
  return normalised;
}
