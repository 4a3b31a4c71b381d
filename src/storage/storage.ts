// src/storage — the ordered key/value contract shared by physical backends (untrusted:
// they only ever see ciphertext) and by everything above the barrier (plaintext, never
// persisted as such). Keys are UTF-8 strings ordered by their UTF-8 bytes on every backend
// (SQLite BINARY, PostgreSQL COLLATE "C"), so range reads agree everywhere.

export interface ScanOptions {
  /** Only keys strictly greater than this full key. */
  readonly after?: string;
  /** At most this many keys (default: all). */
  readonly limit?: number;
}

export interface StorageReader {
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Vault-style listing: the immediate children of `prefix`, sorted and de-duplicated.
   * A child that has keys below it is returned with a trailing '/'. `prefix` is usually
   * '' or ends in '/'.
   */
  list(prefix: string): Promise<string[]>;
  /** Every full key starting with `prefix`, in byte order (recursive, flat). */
  scan(prefix: string, options?: ScanOptions): Promise<string[]>;
}

export interface StorageWriter extends StorageReader {
  put(key: string, value: Uint8Array): Promise<void>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** Reads inside a transaction see its own earlier writes. */
export type Transaction = StorageWriter;

export interface TransactionOptions {
  /**
   * Which conflicts with concurrent transactions must abort this one (to be re-run):
   * - 'serializable' (default): any that would make the outcome differ from some serial order.
   * - 'written-keys': only another transaction writing a key this one also writes (so no
   *   update is lost). For a transaction whose every relied-upon read is of a key it writes
   *   too, or where a concurrent change to a key it only read is harmless (read-modify-write
   *   of one record). Cheaper on PostgreSQL: REPEATABLE READ instead of SERIALIZABLE, whose
   *   B-tree page predicate locks make writers of neighbouring keys abort each other.
   * Backends that run transactions one at a time (SQLite, in-memory) treat both alike.
   */
  readonly conflicts?: 'serializable' | 'written-keys';
}

export interface Storage extends StorageWriter {
  /**
   * Runs `fn` atomically and in isolation (serializable): all of its writes commit or none
   * do. `fn` may be run more than once when a backend retries a conflict, so it must have
   * no side effects outside `tx`. A write is durable once the returned promise resolves.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

/** A physical backend: the storage plus a lifecycle. */
export interface Physical extends Storage {
  readonly kind: 'inmem' | 'sqlite' | 'postgres';
  close(): Promise<void>;
}

/**
 * Optional capability of a backend shared by several nodes (PostgreSQL): a node that
 * changes cached state announces the key prefix, and every node (itself included) drops
 * what it cached under it. A prefix of '' means "drop everything" (notifications may have
 * been lost, e.g. after a reconnect).
 */
export interface CacheInvalidation {
  onInvalidate(cb: (keyPrefix: string) => void): Promise<() => void>;
  notifyInvalidate(keyPrefix: string): Promise<void>;
}

export function cacheInvalidationOf(physical: Physical): CacheInvalidation | undefined {
  const p = physical as Partial<CacheInvalidation>;
  return typeof p.onInvalidate === 'function' && typeof p.notifyInvalidate === 'function' ? (physical as Physical & CacheInvalidation) : undefined;
}

/**
 * Receives the keys a shared backend's nodes write. `changed(key)` comes after the write
 * that changed `key` committed (on any node, this one included; a rolled-back write sends
 * nothing); a key of '' means "anything may have changed". `live(false)` means deliveries
 * stopped (the feed's connection broke): changes from now on may be missed, so nothing may
 * be cached. `live(true)` means deliveries resumed; changes made while they were stopped are
 * not sent again, so whatever was cached before must be dropped.
 */
export interface KeyWatcher {
  changed(key: string): void;
  live(live: boolean): void;
}

/**
 * Optional capability of a backend shared by several nodes (PostgreSQL): every write,
 * whichever node made it, is announced to every node, so caches above the backend can be
 * kept coherent. `watchKeys` resolves once the watcher is registered and calls `live(true)`
 * (before or after resolving) once deliveries are flowing; until then the watcher is not live.
 * It never fails because the feed's connection does: it keeps retrying. Returns the unwatch
 * function.
 */
export interface KeyChangeFeed {
  watchKeys(watcher: KeyWatcher): Promise<() => void>;
}

export function keyChangeFeedOf(physical: Physical): KeyChangeFeed | undefined {
  const p = physical as Partial<KeyChangeFeed>;
  return typeof p.watchKeys === 'function' ? (physical as Physical & KeyChangeFeed) : undefined;
}

/**
 * True when this process is the backend's only writer (SQLite: one server per database
 * file, by contract; in-memory), so caches above it can be kept exact by invalidating on
 * this process's own writes. A shared backend (PostgreSQL) is written by other nodes too.
 */
export function isExclusive(physical: Physical): boolean {
  return physical.kind !== 'postgres';
}

/** Turns stored bytes into a value; must not keep or change `bytes`. */
export type Parse<T> = (bytes: Uint8Array) => T;

/**
 * Optional capability of a store with a read cache (the barrier over embedded storage): the
 * parsed value of an entry, kept beside its bytes and handed to every caller that reads it
 * with the same `parse` function (compare by identity: pass a module-level function). Such
 * values are deeply frozen: callers treat them as read-only snapshots.
 */
export interface SharedReader {
  getShared<T>(key: string, parse: Parse<T>): Promise<T | undefined>;
}

/**
 * `parse(get(key))`, served from the store's parsed cache when it has one. For read-only
 * use on hot paths (a token lookup, a KV read): the result may be shared and frozen, and a
 * transaction's view never has such a cache (it reads its own writes).
 */
export function readShared<T>(storage: StorageReader, key: string, parse: Parse<T>): Promise<T | undefined> {
  const shared = storage as Partial<SharedReader>;
  if (typeof shared.getShared === 'function') return shared.getShared(key, parse);
  return storage.get(key).then((bytes) => (bytes === undefined ? undefined : parse(bytes)));
}
