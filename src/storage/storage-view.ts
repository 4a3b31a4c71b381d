// src/storage — StorageView scopes a Storage to a key prefix, the way each mount, the sys
// backend and every subsystem sees only its own slice (Vault's logical.StorageView). Keys
// given to a view are relative to it, and list/scan answer relative keys. A view refuses
// keys that could escape or corrupt its slice: a NUL character, or a '..' path segment.
// `getJson`/`putJson` store UTF-8 JSON, the common case above the barrier.
import type { Parse, ScanOptions, SharedReader, Storage, StorageWriter, Transaction, TransactionOptions } from './storage.js';
import { readShared } from './storage.js';
import { ArcaError } from '../lib/errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function checkPath(path: string, what: string): void {
  if (path.includes('\u0000')) throw new ArcaError('invalid_request', `${what} must not contain a NUL character`);
  // includes() first: this runs on every storage call, and almost no key holds "..".
  if (path.includes('..') && path.split('/').includes('..')) {
    throw new ArcaError('invalid_request', `${what} "${path}" must not contain a '..' segment`);
  }
}

/** The key-prefixing operations, shared by a view and by a view's transaction. */
class PrefixedWriter implements StorageWriter, SharedReader {
  constructor(
    private readonly target: StorageWriter,
    /** The full prefix this view adds to every key. */
    readonly prefix: string,
  ) {
    checkPath(prefix, 'storage prefix');
  }

  private key(key: string): string {
    if (key === '') throw new ArcaError('invalid_request', 'storage key must not be empty');
    checkPath(key, 'storage key');
    return this.prefix + key;
  }

  private under(prefix: string): string {
    checkPath(prefix, 'storage prefix');
    return this.prefix + prefix;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.target.get(this.key(key));
  }

  put(key: string, value: Uint8Array): Promise<void> {
    return this.target.put(this.key(key), value);
  }

  /** See readShared: passes the target's parsed cache through, if it has one. */
  getShared<T>(key: string, parse: Parse<T>): Promise<T | undefined> {
    return readShared(this.target, this.key(key), parse);
  }

  delete(key: string): Promise<void> {
    return this.target.delete(this.key(key));
  }

  list(prefix: string): Promise<string[]> {
    return this.target.list(this.under(prefix));
  }

  async scan(prefix: string, options: ScanOptions = {}): Promise<string[]> {
    const full: ScanOptions = {
      ...(options.after === undefined ? {} : { after: this.under(options.after) }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    };
    const keys = await this.target.scan(this.under(prefix), full);
    return keys.map((k) => k.slice(this.prefix.length));
  }

  /** The JSON value at `key`, or undefined when absent. */
  async getJson<T>(key: string): Promise<T | undefined> {
    const raw = await this.get(key);
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(decoder.decode(raw)) as T;
    } catch (err) {
      throw new ArcaError('internal', `stored value at "${key}" is not valid JSON`, { cause: err });
    }
  }

  async putJson(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) throw new ArcaError('invalid_request', `value for "${key}" cannot be stored as JSON`);
    await this.put(key, encoder.encode(text));
  }
}

/** What a view's transaction callback receives: the same scoped operations and JSON helpers. */
export type StorageViewTransaction = PrefixedWriter;

export class StorageView extends PrefixedWriter implements Storage {
  constructor(
    private readonly storage: Storage,
    prefix: string,
  ) {
    super(storage, prefix);
  }

  /** A view of this view's `prefix` slice (prefixes concatenate). */
  sub(prefix: string): StorageView {
    checkPath(prefix, 'storage prefix');
    return new StorageView(this.storage, this.prefix + prefix);
  }

  transaction<T>(fn: (tx: StorageViewTransaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.storage.transaction((tx) => fn(this.within(tx)), options);
  }

  /**
   * This view's slice of `tx`, which must be a transaction opened on the storage this view
   * wraps. Lets one atomic write span the slices of two subsystems that share that storage
   * (an entity merge moving the merged entities' MFA enrolments).
   */
  within(tx: Transaction): StorageViewTransaction {
    return new PrefixedWriter(tx, this.prefix);
  }
}
