// src/core/seal — Shamir split/combine of the root key (the audited
// `shamir-secret-sharing` package does the field arithmetic). A 1-of-1 configuration has
// no split: the single unseal key is the root key itself, as in Vault. Shares are the
// 32-byte key plus a one-byte x coordinate.
import { combine, split } from 'shamir-secret-sharing';
import { ArcaError } from '../../lib/errors.js';

export const RootKeyShares = {
  async split(rootKey: Uint8Array, shares: number, threshold: number): Promise<Buffer[]> {
    if (shares === 1 && threshold === 1) return [Buffer.from(rootKey)];
    // The library insists on plain Uint8Arrays (a Buffer subclass is refused).
    const secret = new Uint8Array(rootKey);
    try {
      const parts = await split(secret, shares, threshold);
      return parts.map((p) => Buffer.from(p));
    } finally {
      secret.fill(0);
    }
  },

  /**
   * Rebuilds a candidate root key from `threshold` shares. The result is only a candidate:
   * wrong shares combine to a wrong key, which the caller detects when it fails to open
   * the keyring. Malformed input (mixed lengths, clashing coordinates) is invalid_request.
   */
  async combine(shares: readonly Uint8Array[], threshold: number): Promise<Buffer> {
    if (threshold === 1) {
      const only = shares[0];
      if (only === undefined) throw new ArcaError('invalid_request', 'no unseal key was provided');
      return Buffer.from(only);
    }
    const plain = shares.map((s) => new Uint8Array(s));
    try {
      return Buffer.from(await combine(plain));
    } catch {
      throw new ArcaError('invalid_request', 'the provided keys are not shares of the same root key');
    } finally {
      for (const p of plain) p.fill(0);
    }
  },
} as const;
