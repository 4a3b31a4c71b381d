// src/storage/inmem — a FIFO async mutex. Backends whose driver is in-process (inmem,
// better-sqlite3) serialize transactions and the writes that must not interleave with
// them through one of these. Not re-entrant: calling `run` from inside `run` deadlocks.

export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `fn` once every earlier caller has finished; a failure does not block later ones. */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
