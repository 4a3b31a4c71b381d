// src/core/seal — replacing the unseal shares (Vault's sys/rekey/init|update). The OLD
// shares are collected against a nonce; once the threshold is met and they reconstruct the
// current root key (checked in constant time by the barrier), a NEW random root key is
// generated, split under the requested configuration, and the keyring is re-sealed under it
// in the same transaction that stores the new seal config. Old shares are then useless,
// unlike re-splitting the same root key, where old holders could still rebuild it.
// Called by SealManager under its operation lock; holds no state beyond the pending rekey.
import { randomBytes } from 'node:crypto';
import type { SecurityBarrier } from '../../barrier/security-barrier.js';
import { ROOT_KEY_BYTES } from '../../barrier/security-barrier.js';
import { RESERVED_KEYS } from '../../barrier/reserved-keys.js';
import { ArcaError } from '../../lib/errors.js';
import { RootKeyShares } from './root-key-shares.js';
import type { SealConfig, ShareRequest } from './seal-config.js';
import { encodeSealConfig, validateShareRequest } from './seal-config.js';
import { ShareCollector } from './share-collector.js';
import { decodeUnsealKey } from './unseal-key.js';

const WRONG_OLD_KEYS = 'rekey failed: the provided keys do not reconstruct the root key';

/** Vault's sys/rekey/init (GET) body. */
export interface RekeyStatus {
  readonly nonce: string;
  readonly started: boolean;
  /** The NEW threshold and shares requested by rekeyInit (0 when none is running). */
  readonly t: number;
  readonly n: number;
  readonly progress: number;
  /** How many OLD shares are needed. */
  readonly required: number;
  readonly pgp_fingerprints: null;
  readonly backup: false;
  readonly verification_required: false;
}

/** Vault's sys/rekey/update body once the threshold was met. */
export interface RekeyResult {
  readonly complete: true;
  readonly nonce: string;
  readonly keys: string[];
  readonly keys_base64: string[];
  readonly pgp_fingerprints: null;
  readonly backup: false;
  readonly verification_required: false;
}

interface Pending {
  readonly target: ShareRequest;
  readonly shares: ShareCollector;
}

export class RekeyManager {
  private readonly barrier: SecurityBarrier;
  private pending: Pending | undefined;

  constructor(barrier: SecurityBarrier) {
    this.barrier = barrier;
  }

  status(current: SealConfig | undefined): RekeyStatus {
    const p = this.pending;
    return {
      nonce: p?.shares.nonce ?? '',
      started: p !== undefined,
      t: p?.target.secret_threshold ?? 0,
      n: p?.target.secret_shares ?? 0,
      progress: p?.shares.progress ?? 0,
      required: current?.secret_threshold ?? 0,
      pgp_fingerprints: null,
      backup: false,
      verification_required: false,
    };
  }

  init(current: SealConfig | undefined, req: ShareRequest): RekeyStatus {
    const config = this.usable(current);
    if (this.pending !== undefined) throw new ArcaError('invalid_request', 'rekey already in progress');
    validateShareRequest(req);
    const shares = new ShareCollector('refuse');
    shares.begin();
    this.pending = {
      target: { secret_shares: req.secret_shares, secret_threshold: req.secret_threshold },
      shares,
    };
    return this.status(config);
  }

  async update(current: SealConfig | undefined, key: string, nonce: string): Promise<RekeyStatus | RekeyResult> {
    const config = this.usable(current);
    const p = this.pending;
    if (p === undefined) throw new ArcaError('invalid_request', 'no rekey in progress');
    if (nonce !== p.shares.nonce) {
      throw new ArcaError('invalid_request', `incorrect nonce supplied; nonce for this rekey operation is ${p.shares.nonce}`);
    }
    const share = decodeUnsealKey(key);
    try {
      p.shares.add(share);
    } finally {
      share.fill(0);
    }
    if (p.shares.progress < config.secret_threshold) return this.status(config);

    const collected = p.shares.collected();
    p.shares.discardShares();
    let candidate: Buffer | undefined;
    try {
      // Shares of another root key either combine to a wrong key or (when two of them happen
      // to share an x coordinate) do not combine at all: the same failure to the caller.
      candidate = await RootKeyShares.combine(collected, config.secret_threshold).catch((err: unknown) => {
        throw new ArcaError('invalid_request', WRONG_OLD_KEYS, { cause: err });
      });
      if (!this.barrier.verifyRootKey(candidate)) throw new ArcaError('invalid_request', WRONG_OLD_KEYS);
    } finally {
      for (const s of collected) s.fill(0);
      candidate?.fill(0);
    }
    return this.complete(p);
  }

  cancel(): void {
    this.pending?.shares.reset();
    this.pending = undefined;
  }

  private async complete(p: Pending): Promise<RekeyResult> {
    const { secret_shares: n, secret_threshold: t } = p.target;
    const newRoot = randomBytes(ROOT_KEY_BYTES);
    try {
      const shares = await RootKeyShares.split(newRoot, n, t);
      const config: SealConfig = { type: 'shamir', secret_shares: n, secret_threshold: t };
      await this.barrier.rekeyRoot(newRoot, async (tx) => {
        await this.barrier.reserved.within(tx).put(RESERVED_KEYS.sealConfig, encodeSealConfig(config));
      });
      const nonce = p.shares.nonce;
      this.cancel();
      const result: RekeyResult = {
        complete: true,
        nonce,
        keys: shares.map((s) => s.toString('hex')),
        keys_base64: shares.map((s) => s.toString('base64')),
        pgp_fingerprints: null,
        backup: false,
        verification_required: false,
      };
      for (const s of shares) s.fill(0);
      return result;
    } finally {
      newRoot.fill(0);
    }
  }

  private usable(current: SealConfig | undefined): SealConfig {
    if (current === undefined) throw new ArcaError('invalid_request', 'Vault is not initialized');
    if (this.barrier.sealed) throw new ArcaError('sealed', 'Vault is sealed');
    if (current.type !== 'shamir') {
      throw new ArcaError('invalid_request', 'rekey is not supported by the key file seal: it has no unseal keys');
    }
    return current;
  }
}
