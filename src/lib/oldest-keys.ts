// src/lib — the next key to evict from a Map kept in least-recently-used order.
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
