// src/lib — a small bounded least-recently-used map for memoising pure functions on the
// request path (HMACs and hashes of identifiers that recur request after request). Contract:
// at most `capacity` entries; `get` refreshes an entry; `set` past capacity evicts the least
// recently used one. Nothing here expires: callers cache only values that never go stale
// (outputs of a pure function of the key and a fixed key), never authoritative state.
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

/**
 * The oldest key of a Map kept in least-recently-used order (entries are deleted and set
 * again when used, so insertion order is use order), for callers that evict it next.
 * `map.keys().next()` would do, but a fresh iterator walks past every deleted slot at the
 * front of the Map's table, thousands after a busy spell: microseconds per eviction. One
 * iterator kept across calls passes each slot once. Correct because callers delete each key
 * this returns before asking again: everything behind the iterator is deleted, and keys set
 * since (used or new) are ahead of it, so the first key ahead is the oldest present.
 */
export class OldestKeys<K> {
  private cursor: Iterator<K> | undefined;

  constructor(private readonly map: ReadonlyMap<K, unknown>) {}

  /** The oldest key, wrapped (a key may itself be undefined), or undefined when the map is empty. */
  next(): { readonly key: K } | undefined {
    let step = this.cursor?.next();
    if (step === undefined || step.done === true) {
      // A finished iterator stays finished: start again from the front.
      this.cursor = this.map.keys();
      step = this.cursor.next();
    }
    return step.done === true ? undefined : { key: step.value };
  }
}
