// src/audit — which numbered blocks (see audit-line-serializer.ts) a device's serializer in
// the audit worker still remembers, as the main thread can tell without asking: the last
// `capacity` blocks it sent in full. A block the worker remembers travels as its number
// only, so the request block of a request's response record, and a busy token's auth block
// (one object per token, see core/audit-records.ts), are cloned across threads once instead
// of with every record; that clone was the largest audit cost left on the event loop.
//
// Exact because the worker's memory is larger and evicts in the same order: it keeps the
// last MAX_NUMBERED_BLOCKS blocks it received in full (a block received again moves to the
// back), and this keeps the blocks of the last MAX_NUMBERED_BLOCKS / 2 sends, so everything
// here is there too.
// Both sides see the same sequence: one device's messages reach the worker in order.
import { MAX_NUMBERED_BLOCKS } from './audit-line-serializer.js';

export class WorkerKnownBlocks {
  /** Block number → when it was last sent (a running count of sends). */
  private readonly lastSent = new Map<number, number>();
  /** The last `capacity` sends, oldest first, as a ring: [block, send count] pairs. */
  private readonly ring: Float64Array;
  private sends = 0;

  constructor(private readonly capacity = MAX_NUMBERED_BLOCKS / 2) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('WorkerKnownBlocks capacity must be a positive integer');
    // Block numbers and send counts outgrow 32 bits only after years at full speed.
    this.ring = new Float64Array(capacity * 2);
  }

  has(id: number): boolean {
    return this.lastSent.has(id);
  }

  /**
   * Records that block `id` was just sent in full. The send `capacity` sends ago falls out,
   * and its block is forgotten unless it was sent again since (a Set's oldest entry would
   * do, but finding it walks past every deleted slot at the front of the Set).
   */
  sent(id: number): void {
    const slot = (this.sends % this.capacity) * 2;
    if (this.sends >= this.capacity) {
      const oldId = this.ring[slot] as number;
      if (this.lastSent.get(oldId) === this.ring[slot + 1]) this.lastSent.delete(oldId);
    }
    this.ring[slot] = id;
    this.ring[slot + 1] = this.sends;
    this.lastSent.set(id, this.sends);
    this.sends += 1;
  }

  /** The worker's memory is gone (its device state was dropped): assume nothing. */
  clear(): void {
    this.lastSent.clear();
    this.sends = 0;
  }
}
