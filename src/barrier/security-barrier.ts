// src/barrier — the security barrier: Storage for everything above it, ciphertext only for
// the Physical below it. Root key → keyring (terms) → per-entry AES-256-GCM (see
// barrier-cipher.ts for the blob format and AAD). The keyring lives at `core/keyring`,
// sealed under the root key; while sealed every Storage call throws ArcaError('sealed').
// The barrier never stores the root key; the seal (src/core/seal) supplies it on unseal.
//
// Several nodes may share one Physical: each unseals on its own. A node that meets a term
// it does not know re-reads the keyring once (another node rotated). After a root rekey on
// another node, the old root can no longer open the keyring, so such a node must be sealed
// and unsealed again.
import { createSecretKey, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { KeyChangeFeed, Parse, Physical, ScanOptions, SharedReader, Storage, StorageWriter, Transaction, TransactionOptions } from '../storage/storage.js';
import { isExclusive, keyChangeFeedOf } from '../storage/storage.js';
import type { Clock } from '../lib/clock.js';
import { systemClock } from '../lib/clock.js';
import { ArcaError } from '../lib/errors.js';
import { BarrierCipher } from './barrier-cipher.js';
import { BarrierReadCache, DEFAULT_READ_CACHE } from './barrier-read-cache.js';
import type { BarrierReadCacheOptions } from './barrier-read-cache.js';
import { BarrierView } from './barrier-view.js';
import type { BarrierKeys } from './barrier-view.js';
import { Keyring } from './keyring.js';
import type { KeyTerm } from './keyring.js';
import { RESERVED_KEYS } from './reserved-keys.js';
import { ReservedStore } from './reserved-store.js';

export const ROOT_KEY_BYTES = 32;
/** Term number used for blobs sealed directly under the root key. */
const ROOT_TERM = 0;

/** Vault's `sys/key-status` body. */
export interface KeyStatus {
  readonly term: number;
  /** RFC 3339. */
  readonly install_time: string;
  /** Encryptions with the active term by this node since it was unsealed. */
  readonly encryptions: number;
}

export interface SecurityBarrierOptions {
  readonly clock?: Clock;
  /**
   * Bounds of the read cache of decrypted entries (default DEFAULT_READ_CACHE), or false
   * for none (Vault's `disable_cache`). Used over a backend this process writes alone, and
   * over a shared backend with a key change feed (see barrier-read-cache.ts); any other
   * backend is read through.
   */
  readonly readCache?: BarrierReadCacheOptions | false;
}

/** Extra writes committed atomically with a keyring write (seal config, sealed root key). */
export type WithTx = (tx: Transaction) => Promise<void>;

interface Unsealed {
  readonly rootBytes: Buffer;
  readonly root: KeyObject;
  keyring: Keyring;
  encryptions: number;
}

function rootKeyObject(rootKey: Uint8Array): { bytes: Buffer; key: KeyObject } {
  if (rootKey.length !== ROOT_KEY_BYTES) {
    throw new ArcaError('invalid_request', `root key must be ${ROOT_KEY_BYTES} bytes`);
  }
  const bytes = Buffer.from(rootKey);
  return { bytes, key: createSecretKey(bytes) };
}

export class SecurityBarrier implements Storage, SharedReader {
  private readonly physical: Physical;
  private readonly clock: Clock;
  private state: Unsealed | undefined;
  private readonly view: BarrierView;
  private readonly cache: BarrierReadCache | undefined;
  /** Over shared storage: the feed that keeps the cache coherent, and its unwatch. */
  private readonly feed: KeyChangeFeed | undefined;
  private unwatch: (() => void) | undefined;
  /** Plaintext access to the seal's reserved keys; usable while sealed. */
  readonly reserved: ReservedStore;

  constructor(physical: Physical, options: SecurityBarrierOptions = {}) {
    this.physical = physical;
    this.clock = options.clock ?? systemClock;
    const cacheOptions = options.readCache ?? DEFAULT_READ_CACHE;
    const feed = isExclusive(physical) ? undefined : keyChangeFeedOf(physical);
    const cacheable = isExclusive(physical) || feed !== undefined;
    this.cache = cacheOptions !== false && cacheable ? new BarrierReadCache(cacheOptions) : undefined;
    const cache = this.cache;
    this.feed = cache ? feed : undefined;
    // Off until the feed is live (see unseal).
    if (this.feed !== undefined) cache?.setLive(false);
    this.view = new BarrierView(physical, this.keys, cache ? { cache, onWrite: (key) => cache.invalidate(key) } : {});
    this.reserved = new ReservedStore(physical);
  }

  get sealed(): boolean {
    return this.state === undefined;
  }

  get storageType(): Physical['kind'] {
    return this.physical.kind;
  }

  async isInitialized(): Promise<boolean> {
    return (await this.physical.get(RESERVED_KEYS.keyring)) !== undefined;
  }

  /**
   * Creates the keyring (term 1) sealed under `rootKey`, with `alsoWrite` in the same
   * transaction. Leaves the barrier sealed.
   */
  async initialize(rootKey: Uint8Array, alsoWrite?: WithTx): Promise<void> {
    const root = rootKeyObject(rootKey);
    const keyring = Keyring.generate(this.clock.now());
    try {
      await this.physical.transaction(async (tx) => {
        if ((await tx.get(RESERVED_KEYS.keyring)) !== undefined) {
          throw new ArcaError('invalid_request', 'Vault is already initialized');
        }
        await tx.put(RESERVED_KEYS.keyring, this.sealKeyring(root.key, keyring));
        if (alsoWrite) await alsoWrite(tx);
      });
    } finally {
      keyring.wipe();
      root.bytes.fill(0);
    }
  }

  /** Opens the keyring with `rootKey`; a no-op when already unsealed. */
  async unseal(rootKey: Uint8Array): Promise<void> {
    if (this.state !== undefined) return;
    const root = rootKeyObject(rootKey);
    const keyring = await this.readKeyring(this.physical, root.key);
    if (keyring === undefined) {
      root.bytes.fill(0);
      throw new ArcaError('invalid_request', 'the root key does not open the keyring');
    }
    this.state = { rootBytes: root.bytes, root: root.key, keyring, encryptions: 0 };
    await this.watchFeed();
  }

  /**
   * Over shared storage, follows the feed: a key another node wrote is dropped from the
   * cache; the cache is on only while the feed is live. The feed never fails; until it is
   * live, reads go to storage.
   */
  private async watchFeed(): Promise<void> {
    const cache = this.cache;
    if (this.feed === undefined || cache === undefined || this.unwatch !== undefined) return;
    const s = this.state;
    const unwatch = await this.feed.watchKeys({
      changed: (key) => {
        if (key === '') cache.clear();
        else cache.invalidate(key);
      },
      live: (live) => {
        if (this.state !== undefined) cache.setLive(live);
      },
    });
    if (this.state !== s || s === undefined) unwatch(); // sealed while subscribing
    else this.unwatch = unwatch;
  }

  /** Forgets every key (and every cached entry). Idempotent. */
  seal(): void {
    const s = this.state;
    this.state = undefined;
    this.unwatch?.();
    this.unwatch = undefined;
    if (this.feed !== undefined) this.cache?.setLive(false);
    this.cache?.clear();
    if (s === undefined) return;
    s.keyring.wipe();
    s.rootBytes.fill(0);
  }

  /** Constant-time check that `candidate` is the root key this barrier was unsealed with. */
  verifyRootKey(candidate: Uint8Array): boolean {
    const s = this.unsealed();
    return candidate.length === s.rootBytes.length && timingSafeEqual(candidate, s.rootBytes);
  }

  /** Adds a keyring term; new writes use it, older entries stay readable. */
  async rotate(): Promise<{ term: number; installTime: number }> {
    const s = this.unsealed();
    const now = this.clock.now();
    const next = await this.physical.transaction(async (tx) => {
      const current = await this.readKeyringOrFail(tx, s.root);
      const grown = current.withNewTerm(now);
      await tx.put(RESERVED_KEYS.keyring, this.sealKeyring(s.root, grown));
      return grown;
    });
    this.replaceKeyring(s, next);
    return { term: next.active.term, installTime: next.active.installTime };
  }

  keyStatus(): KeyStatus {
    const s = this.unsealed();
    const active = s.keyring.active;
    return {
      term: active.term,
      install_time: new Date(active.installTime).toISOString(),
      encryptions: s.encryptions,
    };
  }

  /** Re-seals the keyring under `newRootKey` (with `alsoWrite` atomically). */
  async rekeyRoot(newRootKey: Uint8Array, alsoWrite?: WithTx): Promise<void> {
    const s = this.unsealed();
    const root = rootKeyObject(newRootKey);
    const keyring = await this.physical.transaction(async (tx) => {
      const current = await this.readKeyringOrFail(tx, s.root);
      await tx.put(RESERVED_KEYS.keyring, this.sealKeyring(root.key, current));
      if (alsoWrite) await alsoWrite(tx);
      return current;
    });
    s.keyring.wipe();
    s.rootBytes.fill(0);
    this.state = { rootBytes: root.bytes, root: root.key, keyring, encryptions: s.encryptions };
  }

  /** Re-reads the keyring (after another node rotated). */
  async reloadKeyring(): Promise<void> {
    const s = this.unsealed();
    const keyring = await this.readKeyringOrFail(this.physical, s.root);
    if (this.state === s) this.replaceKeyring(s, keyring);
    else keyring.wipe();
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.view.get(key);
  }

  put(key: string, value: Uint8Array): Promise<void> {
    return this.view.put(key, value);
  }

  getShared<T>(key: string, parse: Parse<T>): Promise<T | undefined> {
    return this.view.getShared(key, parse);
  }

  delete(key: string): Promise<void> {
    return this.view.delete(key);
  }

  list(prefix: string): Promise<string[]> {
    return this.view.list(prefix);
  }

  scan(prefix: string, options?: ScanOptions): Promise<string[]> {
    return this.view.scan(prefix, options);
  }

  /**
   * With a read cache, each key the transaction writes is dropped from it when written
   * (voiding reads in flight) and again once the transaction has ended: a plain read that
   * ran between the write and the commit saw the old, still committed value and may have
   * cached it.
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    this.unsealed();
    const cache = this.cache;
    if (cache === undefined) return this.physical.transaction((tx) => fn(new BarrierView(tx, this.keys)), options);
    const written = new Set<string>();
    const onWrite = (key: string): void => {
      written.add(key);
      cache.invalidate(key);
    };
    try {
      return await this.physical.transaction((tx) => fn(new BarrierView(tx, this.keys, { onWrite })), options);
    } finally {
      for (const key of written) cache.invalidate(key);
    }
  }

  /** Entries in the read cache (0 without one): for tests and metrics. */
  get cachedEntries(): number {
    return this.cache?.size ?? 0;
  }

  /** Whether reads are served from the cache now (false without one, or while a shared backend's feed is down). */
  get cacheLive(): boolean {
    return this.cache !== undefined && this.cache.isLive;
  }

  private readonly keys: BarrierKeys = {
    activeTerm: (): KeyTerm => this.unsealed().keyring.active,
    term: (term: number): KeyTerm | undefined => this.state?.keyring.term(term),
    reload: () => this.reloadKeyring(),
    countEncryption: (): void => {
      if (this.state) this.state.encryptions += 1;
    },
  };

  private unsealed(): Unsealed {
    if (this.state === undefined) throw new ArcaError('sealed', 'Vault is sealed');
    return this.state;
  }

  private replaceKeyring(s: Unsealed, next: Keyring): void {
    if (next.active.term !== s.keyring.active.term) s.encryptions = 0;
    const old = s.keyring;
    s.keyring = next;
    old.wipe();
  }

  private sealKeyring(root: KeyObject, keyring: Keyring): Buffer {
    const plain = keyring.encode();
    try {
      return BarrierCipher.encrypt(root, ROOT_TERM, RESERVED_KEYS.keyring, plain);
    } finally {
      plain.fill(0);
    }
  }

  /** undefined when the root key does not open the stored keyring. */
  private async readKeyring(store: StorageWriter, root: KeyObject): Promise<Keyring | undefined> {
    const blob = await store.get(RESERVED_KEYS.keyring);
    if (blob === undefined) throw new ArcaError('invalid_request', 'Vault is not initialized');
    const plain = BarrierCipher.decrypt(root, RESERVED_KEYS.keyring, blob);
    if (plain === undefined) return undefined;
    try {
      return Keyring.decode(plain);
    } finally {
      plain.fill(0);
    }
  }

  private async readKeyringOrFail(store: StorageWriter, root: KeyObject): Promise<Keyring> {
    const keyring = await this.readKeyring(store, root);
    if (keyring === undefined) {
      throw new ArcaError(
        'internal',
        'barrier: the stored keyring no longer opens with this node\'s root key (rekeyed elsewhere?); seal and unseal this node',
      );
    }
    return keyring;
  }
}
