// src/auth/userpass — password hashing for the userpass method: argon2id with explicit,
// documented parameters (docs/auth/userpass-approle.md), stored as a PHC string. Checking a
// login for a user that does not exist verifies against a fixed dummy hash with the same
// parameters, so the answer takes as long as for a real user with a wrong password.
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Algorithm, Options } from '@node-rs/argon2';

/** argon2id (Algorithm.Argon2id = 2; the enum is const and cannot be read at runtime here). */
export const PASSWORD_HASH_OPTIONS: Options = {
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
};

/** Longest password accepted (argon2 accepts more; a bound stops hashing megabytes). */
export const MAX_PASSWORD_LENGTH = 4096;

let dummyHash: Promise<string> | undefined;

/** The dummy hash is of a random password nobody knows, made once per process. */
function dummy(): Promise<string> {
  dummyHash ??= hash(randomBytes(32).toString('base64'), PASSWORD_HASH_OPTIONS);
  return dummyHash;
}

/** Computes the dummy hash ahead of the first login (called when the mount starts). */
export async function warmDummyHash(): Promise<void> {
  await dummy();
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASH_OPTIONS);
}

/**
 * True when `password` matches `stored`. With `stored` undefined (no such user) the work
 * is still done against the dummy hash and the answer is always false.
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (stored === undefined) {
    await verify(await dummy(), password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false; // a corrupt stored hash never lets anyone in
  }
}
