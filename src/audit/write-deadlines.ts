// src/audit — the broker's bound on device writes (see audit-broker.ts): each write started
// gets a deadline `timeoutMs` later, and one timer serves them all. A timer per write (set and
// cleared for every record, two records a request) cost more than the rest of the broker.
// Deadlines are met in start order because the bound is the same for every write: the timer
// waits for the oldest unfinished write only. A write is cut off no earlier than its deadline
// and no later than when the timer next runs after it (timers are late only by event-loop
// delay, as a per-write timer would be). A finished write lets go of its callback at once and
// leaves the queue as soon as the writes before it have finished too: held for the whole
// bound, the callbacks (and the promises they settle) outlived the young generation and
// made every record old-generation garbage.

/** One write's fate: the first of finish() and the deadline wins. */
export interface WriteDeadline {
  /** True when the write finished before its deadline (it was not cut off). */
  finish(): boolean;
}

interface Pending {
  readonly deadline: number;
  /** Cleared when the write finishes or is cut off. */
  onTimeout: (() => void) | undefined;
}

export class WriteDeadlines {
  /** Oldest first; entries before `head` are dropped (undefined) until the array is compacted. */
  private readonly queue: (Pending | undefined)[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Starts the clock on a write; `onTimeout` runs if it has not finished by its deadline. */
  start(onTimeout: () => void): WriteDeadline {
    const pending: Pending = { deadline: this.now() + this.timeoutMs, onTimeout };
    this.queue.push(pending);
    this.arm();
    return {
      finish: () => {
        if (pending.onTimeout === undefined) return false;
        pending.onTimeout = undefined;
        this.dropFinished();
        return true;
      },
    };
  }

  /** Drops the finished writes at the front; compacts the array once half of it is dropped. */
  private dropFinished(): void {
    while (this.head < this.queue.length && this.queue[this.head]?.onTimeout === undefined) {
      this.queue[this.head] = undefined;
      this.head += 1;
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      // Nothing left to cut off: no timer holds the process open.
      clearTimeout(this.timer);
      this.timer = undefined;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.now();
    for (let i = this.head; i < this.queue.length; i += 1) {
      const pending = this.queue[i];
      if (pending === undefined || pending.onTimeout === undefined) continue;
      if (pending.deadline > now) break;
      const onTimeout = pending.onTimeout;
      pending.onTimeout = undefined;
      onTimeout();
    }
    this.dropFinished();
    this.arm();
  }

  /** Waits for the oldest unfinished write's deadline. */
  private arm(): void {
    if (this.timer !== undefined) return;
    for (let i = this.head; i < this.queue.length; i += 1) {
      const pending = this.queue[i];
      if (pending?.onTimeout === undefined) continue;
      this.timer = setTimeout(() => this.fire(), Math.max(0, pending.deadline - this.now()));
      return;
    }
  }
}
