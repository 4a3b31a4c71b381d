// src/barrier — the barrier's read cache: recently read entries, decrypted, so a hot entry
// (a token, a KV secret and its metadata, read on every request) costs neither a storage
// round trip nor an AES-GCM open. Kept coherent two ways:
// - when this process is the storage's only writer (SQLite, in-memory), every write passes
//   through this barrier, which invalidates the key: a cached entry is never stale;
// - on shared storage (PostgreSQL), other nodes' writes arrive from the backend's key
//   change feed after they commit (LISTEN/NOTIFY), so another node's write — a revoked
//   token, a new secret version — is seen here within the notification's delay. While the
//   feed is down the cache is off (`setLive(false)`): reads go to storage.
//
// Contract:
// - `get` returns a private copy (callers may wipe or mutate what they read).
// - A fill is tied to a `begin` ticket taken before the storage read; a write to that key in
//   between (`invalidate`) voids the ticket, so a read that raced a write never installs
//   the value it read before the write landed.
// - Absent keys are cached too (as absent), under the same rule.
// - An entry may also keep its parsed value (`lookupParsed`, for storage's readShared): one
//   per parse function (by identity), deeply frozen, shared by every caller; counted as
//   taking as many bytes again as the entry.
// - Bounded by entry count and total bytes; entries larger than `maxEntryBytes` are never
//   kept. `clear` (on seal) zeroes every cached value before dropping it.
// - Not live (`setLive(false)`): every lookup misses and no read fills; going live again
//   starts empty, and reads begun before never fill.

import { deepFreeze } from '../lib/deep-freeze.js';
import { OldestKeys } from '../lib/oldest-keys.js';

export interface BarrierReadCacheOptions {
  /** Most entries kept (Vault's `cache_size`). */
  readonly maxEntries: number;
  /** Most plaintext bytes kept in all. */
  readonly maxBytes: number;
  /** Larger entries are read through, never kept. */
  readonly maxEntryBytes: number;
}

export const DEFAULT_READ_CACHE: BarrierReadCacheOptions = {
  maxEntries: 32_768,
  maxBytes: 64 * 1024 * 1024,
  maxEntryBytes: 1024 * 1024,
};

type Parse = (bytes: Uint8Array) => unknown;

interface Entry {
  /** null: no entry at this key. */
  readonly bytes: Uint8Array | null;
  parse?: Parse;
  parsed?: unknown;
  /** Bytes this entry counts against the bound. */
  size: number;
}

export class BarrierReadCache {
  private readonly entries = new Map<string, Entry>();
  private readonly oldest = new OldestKeys(this.entries);
  /** Key → the ticket of the read allowed to fill it. */
  private readonly pending = new Map<string, number>();
  private nextTicket = 1;
  private bytes = 0;
  private live = true;

  constructor(private readonly options: BarrierReadCacheOptions = DEFAULT_READ_CACHE) {
    if (!(options.maxEntries >= 0 && options.maxBytes >= 0 && options.maxEntryBytes >= 0)) {
      throw new RangeError('read cache bounds must be non-negative');
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get isLive(): boolean {
    return this.live;
  }

  /** Turns the cache on or off; either way it is emptied and reads in flight are voided. */
  setLive(live: boolean): void {
    this.clear();
    this.live = live;
  }

  /** A hit: `{ value }` (a copy, or undefined for a cached absence); a miss: undefined. */
  lookup(key: string): { value: Uint8Array | undefined } | undefined {
    const cached = this.touch(key);
    if (cached === undefined) return undefined;
    return { value: cached.bytes === null ? undefined : new Uint8Array(cached.bytes) };
  }

  /**
   * A hit: `{ value }`, the entry parsed with `parse` (parsed once, then shared, frozen),
   * or undefined for a cached absence; a miss: undefined. Throws what `parse` throws.
   */
  lookupParsed(key: string, parse: Parse): { value: unknown } | undefined {
    const cached = this.touch(key);
    if (cached === undefined) return undefined;
    if (cached.bytes === null) return { value: undefined };
    if (cached.parse !== parse) {
      const parsed = deepFreeze(parse(cached.bytes));
      if (cached.parse === undefined) {
        cached.size += cached.bytes.length;
        this.bytes += cached.bytes.length;
      }
      cached.parse = parse;
      cached.parsed = parsed;
    }
    return { value: cached.parsed };
  }

  /** Takes a ticket for a storage read of `key` about to start. */
  begin(key: string): number {
    const ticket = this.nextTicket++;
    if (this.live) this.pending.set(key, ticket);
    return ticket;
  }

  /** Installs what the read holding `ticket` found, unless a write to `key` voided it. */
  fill(key: string, ticket: number, value: Uint8Array | undefined): void {
    if (this.pending.get(key) !== ticket) return;
    this.pending.delete(key);
    if (this.options.maxEntries === 0) return;
    const size = value?.length ?? 0;
    if (size > this.options.maxEntryBytes || size > this.options.maxBytes) return;
    this.remove(key);
    while (this.entries.size >= this.options.maxEntries || this.bytes + size > this.options.maxBytes) {
      const oldest = this.oldest.next();
      if (oldest === undefined) break;
      this.remove(oldest.key);
    }
    this.entries.set(key, { bytes: value === undefined ? null : new Uint8Array(value), size });
    this.bytes += size;
  }

  /** Abandons a read that failed (its ticket, if still current, is dropped). */
  abandon(key: string, ticket: number): void {
    if (this.pending.get(key) === ticket) this.pending.delete(key);
  }

  /** `key` is being (or was just) written: forget it and void reads in flight. */
  invalidate(key: string): void {
    this.pending.delete(key);
    this.remove(key);
  }

  /** Forgets everything, zeroing the cached plaintext. */
  clear(): void {
    for (const entry of this.entries.values()) entry.bytes?.fill(0);
    this.entries.clear();
    this.pending.clear();
    this.bytes = 0;
  }

  /** The entry, moved to the young end of the Map's order (LRU). */
  private touch(key: string): Entry | undefined {
    const cached = this.entries.get(key);
    if (cached === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, cached);
    return cached;
  }

  private remove(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.entries.delete(key);
    this.bytes -= old.size;
    old.bytes?.fill(0);
  }
}
