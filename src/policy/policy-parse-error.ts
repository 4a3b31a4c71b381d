// src/policy — the one shape of a policy parse failure. Every message starts with
// "failed to parse policy: " (as Vault's does) and names a position when one is known.
// Messages quote policy structure (keys, paths, capability names) and never request data.
import { ArcaError } from '../lib/errors.js';

export function policyParseError(what: string, line = 0, column = 0): ArcaError {
  const where = line > 0 ? `line ${line}, column ${column}: ` : '';
  return new ArcaError('invalid_request', `failed to parse policy: ${where}${what}`);
}
