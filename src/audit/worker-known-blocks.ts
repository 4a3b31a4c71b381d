// src/audit — which numbered blocks (see audit-line-serializer.ts) a device's serializer in
// the audit worker still remembers, as the main thread can tell without asking: the last
// `capacity` blocks it sent in full. A block the worker remembers travels as its number
// only, so the request block of a request's response record, and a busy token's auth block
// (one object per token, see core/audit-records.ts), are cloned across threads once instead
// of with every record; that clone was the largest audit cost left on the event loop.
//
// Exact because the worker's memory is larger and evicts in the same order: it keeps the
// last MAX_NUMBERED_BLOCKS blocks it received in full (a block received again moves to the
// back), and this keeps the last MAX_NUMBERED_BLOCKS / 2, so everything here is there too.
// Both sides see the same sequence: one device's messages reach the worker in order.
import { MAX_NUMBERED_BLOCKS } from './audit-line-serializer.js';

export class WorkerKnownBlocks {
  private readonly ids = new Set<number>();

  constructor(private readonly capacity = MAX_NUMBERED_BLOCKS / 2) {}

  has(id: number): boolean {
    return this.ids.has(id);
  }

  /** Records that block `id` was just sent in full. */
  sent(id: number): void {
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next();
      if (oldest.done !== true) this.ids.delete(oldest.value);
    }
  }

  /** The worker's memory is gone (its device state was dropped): assume nothing. */
  clear(): void {
    this.ids.clear();
  }
}
