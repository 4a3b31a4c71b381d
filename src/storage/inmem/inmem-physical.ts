// src/storage/inmem — the in-memory physical backend (tests, dev mode). Keys live in a
// sorted array (binary search, code-point order) beside a Map of values, so prefix scans
// and listings are range reads. Transactions run one at a time under an async mutex and
// stage their writes, which are applied only when `fn` resolves; plain writes queue on the
// same mutex so they never land in the middle of a transaction. Values are copied in and
// out, so a caller mutating its buffer cannot change stored data.
import type { Physical, ScanOptions, StorageWriter, Transaction } from '../storage.js';
import { AsyncMutex } from './async-mutex.js';
import { compareKeys, listSync, prefixEnd } from './key-order.js';
import type { PageRequest } from './key-order.js';

/** A committed, sorted key/value image with synchronous range reads. */
class SortedStore {
  readonly keys: string[] = [];
  readonly values = new Map<string, Uint8Array>();

  /** Index of the first key >= `key` (or > `key` when `inclusive` is false). */
  lowerBound(key: string, inclusive = true): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareKeys(this.keys[mid] as string, key);
      if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  put(key: string, value: Uint8Array): void {
    if (!this.values.has(key)) this.keys.splice(this.lowerBound(key), 0, key);
    this.values.set(key, value);
  }

  delete(key: string): void {
    if (!this.values.delete(key)) return;
    this.keys.splice(this.lowerBound(key), 1);
  }

  /** Keys starting with `prefix` from a lower bound, in order, at most `limit`. */
  range(prefix: string, from: string, inclusive: boolean, limit: number): string[] {
    const start = compareKeys(from, prefix) < 0 ? this.lowerBound(prefix) : this.lowerBound(from, inclusive);
    const out: string[] = [];
    for (let i = start; i < this.keys.length && out.length < limit; i++) {
      const key = this.keys[i] as string;
      if (!key.startsWith(prefix)) break;
      out.push(key);
    }
    return out;
  }
}

function copy(value: Uint8Array): Uint8Array {
  return new Uint8Array(value);
}

function scanStore(store: SortedStore, prefix: string, options: ScanOptions = {}): string[] {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (options.after === undefined) return store.range(prefix, prefix, true, limit);
  return store.range(prefix, options.after, false, limit);
}

/** Reads see the committed store overlaid with this transaction's staged writes. */
class InmemTransaction implements StorageWriter {
  /** `null` marks a staged delete. */
  readonly staged = new Map<string, Uint8Array | null>();
  private open = true;

  constructor(private readonly base: SortedStore) {}

  close(): void {
    this.open = false;
  }

  private check(): void {
    if (!this.open) throw new Error('transaction used after it finished');
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.check();
    const staged = this.staged.get(key);
    if (staged === null) return undefined;
    const value = staged ?? this.base.values.get(key);
    return value === undefined ? undefined : copy(value);
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.check();
    this.staged.set(key, copy(value));
  }

  async delete(key: string): Promise<void> {
    this.check();
    this.staged.set(key, null);
  }

  async list(prefix: string): Promise<string[]> {
    this.check();
    const merged = this.overlay(prefix);
    return listSync(prefix, (req: PageRequest) => merged.range(prefix, req.from, req.inclusive, req.limit));
  }

  async scan(prefix: string, options?: ScanOptions): Promise<string[]> {
    this.check();
    if (this.staged.size === 0) return scanStore(this.base, prefix, options);
    return scanStore(this.overlay(prefix), prefix, options);
  }

  /** The keys under `prefix` as this transaction sees them (values are not needed). */
  private overlay(prefix: string): SortedStore {
    if (this.staged.size === 0) return this.base;
    const view = new SortedStore();
    const end = prefixEnd(prefix);
    const start = this.base.lowerBound(prefix);
    for (let i = start; i < this.base.keys.length; i++) {
      const key = this.base.keys[i] as string;
      if (end !== undefined && compareKeys(key, end) >= 0) break;
      view.keys.push(key);
      view.values.set(key, EMPTY);
    }
    for (const [key, value] of this.staged) {
      if (!key.startsWith(prefix)) continue;
      if (value === null) view.delete(key);
      else view.put(key, EMPTY);
    }
    return view;
  }
}

const EMPTY = new Uint8Array(0);

export class InmemPhysical implements Physical {
  readonly kind = 'inmem' as const;
  private readonly store = new SortedStore();
  private readonly mutex = new AsyncMutex();
  private closed = false;

  private check(): void {
    if (this.closed) throw new Error('inmem storage is closed');
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.check();
    const value = this.store.values.get(key);
    return value === undefined ? undefined : copy(value);
  }

  async list(prefix: string): Promise<string[]> {
    this.check();
    return listSync(prefix, (req) => this.store.range(prefix, req.from, req.inclusive, req.limit));
  }

  async scan(prefix: string, options?: ScanOptions): Promise<string[]> {
    this.check();
    return scanStore(this.store, prefix, options);
  }

  put(key: string, value: Uint8Array): Promise<void> {
    this.check();
    const stored = copy(value);
    return this.mutex.run(() => this.store.put(key, stored));
  }

  delete(key: string): Promise<void> {
    this.check();
    return this.mutex.run(() => this.store.delete(key));
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    this.check();
    return this.mutex.run(async () => {
      const tx = new InmemTransaction(this.store);
      try {
        const result = await fn(tx);
        for (const [key, value] of tx.staged) {
          if (value === null) this.store.delete(key);
          else this.store.put(key, value);
        }
        return result;
      } finally {
        tx.close();
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
