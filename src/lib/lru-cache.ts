// src/lib — a small bounded least-recently-used map for memoising pure functions on the
// request path (HMACs and hashes of identifiers that recur request after request). Contract:
// at most `capacity` entries; `get` refreshes an entry; `set` past capacity evicts the least
// recently used one. Nothing here expires: callers cache only values that never go stale
// (outputs of a pure function of the key and a fixed key), never authoritative state.
import { OldestKeys } from './oldest-keys.js';

export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();
  private readonly oldest = new OldestKeys(this.entries);

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('LruCache capacity must be a non-negative integer');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Re-inserting moves the entry to the young end of the Map's insertion order.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    if (this.capacity === 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) {
      const oldest = this.oldest.next();
      if (oldest !== undefined) this.entries.delete(oldest.key);
    }
    this.entries.set(key, value);
  }

  /** `get(key)`, or `compute(key)` remembered. */
  memo(key: K, compute: (key: K) => V): V {
    const known = this.get(key);
    if (known !== undefined) return known;
    const value = compute(key);
    this.set(key, value);
    return value;
  }

  keys(): K[] {
    return [...this.entries.keys()];
  }

  clear(): void {
    this.entries.clear();
  }
}
