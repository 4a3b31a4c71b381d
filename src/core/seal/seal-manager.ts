// src/core/seal — the seal state machine behind sys/init, sys/seal-status, sys/unseal,
// sys/seal and sys/rekey. It owns no key material at rest: the root key exists only while
// being split (init, rekey) or reconstructed (unseal), then lives inside the barrier.
// Two modes, fixed at initialization and recorded in `core/seal-config`:
//   shamir  — the root key is split into shares; nothing that rebuilds it is stored.
//   keyfile — the root key is stored at `core/root-key` sealed under a 0600 key file, and
//             `autoUnseal` opens the barrier without shares.
// Operations run one at a time (an async lock), so concurrent unseal submissions cannot
// interleave their progress. Unseal progress is per node, as in Vault.
import { randomBytes } from 'node:crypto';
import type { SecurityBarrier } from '../../barrier/security-barrier.js';
import { ROOT_KEY_BYTES } from '../../barrier/security-barrier.js';
import { RESERVED_KEYS } from '../../barrier/reserved-keys.js';
import { ArcaError, isArcaError } from '../../lib/errors.js';
import type { KeyFileSeal } from './key-file-seal.js';
import { RekeyManager } from './rekey-manager.js';
import type { RekeyResult, RekeyStatus } from './rekey-manager.js';
import { RootKeyShares } from './root-key-shares.js';
import type { SealConfig, SealType, ShareRequest } from './seal-config.js';
import { decodeSealConfig, encodeSealConfig, validateShareRequest } from './seal-config.js';
import { ShareCollector } from './share-collector.js';
import { decodeUnsealKey } from './unseal-key.js';

/** Vault's sys/seal-status body. */
export interface SealStatus {
  readonly type: SealType;
  readonly initialized: boolean;
  readonly sealed: boolean;
  readonly t: number;
  readonly n: number;
  readonly progress: number;
  readonly nonce: string;
  readonly version: string;
  readonly build_date: string;
  readonly migration: false;
  readonly recovery_seal: false;
  readonly storage_type: string;
}

export interface InitResult {
  /** Unseal keys, hex (empty for the key-file seal). */
  readonly keys: string[];
  readonly keys_base64: string[];
  /** For the caller's own bootstrap only; never return it over HTTP. */
  readonly rootKey: Buffer;
}

export interface SealManagerOptions {
  readonly barrier: SecurityBarrier;
  /** When given, initialization uses the key-file seal (auto-unseal). */
  readonly keyFile?: KeyFileSeal;
  readonly version?: string;
  readonly buildDate?: string;
}

const NOT_INITIALIZED = 'Vault is not initialized';
const WRONG_KEYS = 'unseal failed: the provided keys do not reconstruct the root key';

export class SealManager {
  private readonly barrier: SecurityBarrier;
  private readonly keyFile: KeyFileSeal | undefined;
  private readonly version: string;
  private readonly buildDate: string;
  private readonly unsealShares = new ShareCollector('ignore');
  private readonly rekey: RekeyManager;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: SealManagerOptions) {
    this.barrier = options.barrier;
    this.keyFile = options.keyFile;
    this.version = options.version ?? '0.1.0';
    this.buildDate = options.buildDate ?? '';
    this.rekey = new RekeyManager(options.barrier);
  }

  /** Mirrors sys/seal-status. */
  async status(): Promise<SealStatus> {
    const config = await this.config();
    const initialized = config !== undefined && (await this.barrier.isInitialized());
    return {
      type: config?.type ?? (this.keyFile ? 'keyfile' : 'shamir'),
      initialized,
      sealed: this.barrier.sealed,
      t: config?.secret_threshold ?? 0,
      n: config?.secret_shares ?? 0,
      progress: this.unsealShares.progress,
      nonce: this.unsealShares.nonce,
      version: this.version,
      build_date: this.buildDate,
      migration: false,
      recovery_seal: false,
      storage_type: this.barrier.storageType,
    };
  }

  /**
   * sys/init. Shamir: a random root key split into `secret_shares` (1-of-1 returns the root
   * key itself); the barrier stays sealed. Key file: the root key is sealed under the key
   * file, no shares are returned, and the barrier is unsealed at once.
   */
  initialize(req: ShareRequest = { secret_shares: 1, secret_threshold: 1 }): Promise<InitResult> {
    return this.exclusive(async () => {
      const keyFile = this.keyFile;
      if (keyFile === undefined) validateShareRequest(req);
      if (await this.barrier.isInitialized()) throw new ArcaError('invalid_request', 'Vault is already initialized');
      const rootKey = randomBytes(ROOT_KEY_BYTES);
      const config: SealConfig = keyFile
        ? { type: 'keyfile', secret_shares: 0, secret_threshold: 0 }
        : { type: 'shamir', secret_shares: req.secret_shares, secret_threshold: req.secret_threshold };
      const shares = keyFile ? [] : await RootKeyShares.split(rootKey, req.secret_shares, req.secret_threshold);
      await this.barrier.initialize(rootKey, async (tx) => {
        const reserved = this.barrier.reserved.within(tx);
        await reserved.put(RESERVED_KEYS.sealConfig, encodeSealConfig(config));
        if (keyFile) await reserved.put(RESERVED_KEYS.rootKey, keyFile.wrapRootKey(rootKey));
      });
      if (keyFile) await this.barrier.unseal(rootKey);
      const result = {
        keys: shares.map((s) => s.toString('hex')),
        keys_base64: shares.map((s) => s.toString('base64')),
        rootKey,
      };
      for (const s of shares) s.fill(0);
      return result;
    });
  }

  /**
   * sys/unseal. Adds one share (hex or base64); at the threshold the shares are combined
   * and the barrier unsealed. Wrong shares fail with invalid_request and reset progress.
   * `reset` (Vault's handleSysUnseal) only discards progress and answers the status, ignoring
   * any key sent with it; on an unsealed node it is refused ("vault is unsealed").
   */
  submitUnsealKey(key?: string, reset = false): Promise<SealStatus> {
    return this.exclusive(async () => {
      if (reset) {
        if (!this.barrier.sealed) throw new ArcaError('invalid_request', 'vault is unsealed');
        this.unsealShares.reset();
        return this.status();
      }
      const config = await this.config();
      if (config === undefined) throw new ArcaError('invalid_request', NOT_INITIALIZED);
      if (key === undefined) {
        throw new ArcaError('invalid_request', "'key' must be specified in request body as JSON, or 'reset' set to true");
      }
      if (config.type !== 'shamir') {
        throw new ArcaError('invalid_request', 'the key file seal takes no unseal keys: the node unseals from its key file');
      }
      if (!this.barrier.sealed) return this.status();
      const share = decodeUnsealKey(key);
      try {
        if (this.unsealShares.add(share) < config.secret_threshold) return this.status();
      } finally {
        share.fill(0);
      }
      await this.unsealWithShares(config);
      return this.status();
    });
  }

  /** Key-file mode: unseals from the stored, key-file-sealed root key. */
  autoUnseal(): Promise<SealStatus> {
    return this.exclusive(async () => {
      const config = await this.config();
      if (config === undefined) throw new ArcaError('invalid_request', NOT_INITIALIZED);
      if (config.type !== 'keyfile') {
        throw new ArcaError('invalid_request', 'auto-unseal needs the key file seal; this node uses Shamir unseal keys');
      }
      if (this.keyFile === undefined) {
        throw new ArcaError('invalid_request', 'the seal is configured for a key file, but no key file was given');
      }
      if (this.barrier.sealed) {
        const blob = await this.barrier.reserved.get(RESERVED_KEYS.rootKey);
        if (blob === undefined) throw new ArcaError('internal', 'seal: the sealed root key is missing from storage');
        const rootKey = this.keyFile.unwrapRootKey(blob);
        try {
          await this.barrier.unseal(rootKey);
        } finally {
          rootKey.fill(0);
        }
      }
      return this.status();
    });
  }

  /** sys/seal: wipes keys from memory and abandons unseal and rekey progress. */
  seal(): Promise<void> {
    return this.exclusive(() => {
      this.barrier.seal();
      this.unsealShares.reset();
      this.rekey.cancel();
      return Promise.resolve();
    });
  }

  rekeyStatus(): Promise<RekeyStatus> {
    return this.exclusive(async () => this.rekey.status(await this.config()));
  }

  rekeyInit(req: ShareRequest): Promise<RekeyStatus> {
    return this.exclusive(async () => this.rekey.init(await this.config(), req));
  }

  rekeyUpdate(key: string, nonce: string): Promise<RekeyStatus | RekeyResult> {
    return this.exclusive(async () => this.rekey.update(await this.config(), key, nonce));
  }

  rekeyCancel(): Promise<void> {
    return this.exclusive(() => {
      this.rekey.cancel();
      return Promise.resolve();
    });
  }

  private async unsealWithShares(config: SealConfig): Promise<void> {
    const collected = this.unsealShares.collected();
    this.unsealShares.reset();
    let candidate: Buffer | undefined;
    try {
      candidate = await RootKeyShares.combine(collected, config.secret_threshold);
      await this.barrier.unseal(candidate);
    } catch (err) {
      if (isArcaError(err) && err.code === 'invalid_request') {
        throw new ArcaError('invalid_request', WRONG_KEYS, { cause: err });
      }
      throw err;
    } finally {
      for (const s of collected) s.fill(0);
      candidate?.fill(0);
    }
  }

  private async config(): Promise<SealConfig | undefined> {
    const bytes = await this.barrier.reserved.get(RESERVED_KEYS.sealConfig);
    return bytes === undefined ? undefined : decodeSealConfig(bytes);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
