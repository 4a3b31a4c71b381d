// src/core/seal — gathers key shares for one operation (unseal or rekey) until the
// threshold is met. Shares are compared in constant time; the nonce identifies the
// operation to clients and is empty while nothing has been collected. `reset` zeroes the
// collected bytes. A share given twice is ignored for unseal (Vault's recordUnsealPart: the
// answer shows unchanged progress, so a retried request is harmless) and refused for rekey
// (Vault's RekeyUpdate: 400 "given key has already been provided during this generation
// operation").
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { ArcaError } from '../../lib/errors.js';

export class ShareCollector {
  private shares: Buffer[] = [];
  private currentNonce = '';
  private readonly duplicates: 'ignore' | 'refuse';

  constructor(duplicates: 'ignore' | 'refuse') {
    this.duplicates = duplicates;
  }

  get progress(): number {
    return this.shares.length;
  }

  get nonce(): string {
    return this.currentNonce;
  }

  /** Starts an operation with a fresh nonce when none is running. */
  begin(nonce: string = randomUUID()): void {
    if (this.currentNonce === '') this.currentNonce = nonce;
  }

  /**
   * Adds a share (a copy is kept) and returns the progress. A share already given is
   * ignored or refused, as the constructor chose.
   */
  add(share: Uint8Array): number {
    this.begin();
    let duplicate = false;
    for (const held of this.shares) {
      if (held.length === share.length && timingSafeEqual(held, share)) duplicate = true;
    }
    if (duplicate) {
      if (this.duplicates === 'ignore') return this.shares.length;
      throw new ArcaError('invalid_request', 'given key has already been provided during this generation operation');
    }
    this.shares.push(Buffer.from(share));
    return this.shares.length;
  }

  /** Copies of the collected shares. */
  collected(): Buffer[] {
    return this.shares.map((s) => Buffer.from(s));
  }

  /** Drops the collected shares but keeps the operation (and its nonce) open. */
  discardShares(): void {
    for (const s of this.shares) s.fill(0);
    this.shares = [];
  }

  reset(): void {
    for (const s of this.shares) s.fill(0);
    this.shares = [];
    this.currentNonce = '';
  }
}
