// src/audit — the broker's bound on device writes (see audit-broker.ts): each write started
// gets a deadline `timeoutMs` later, and one timer serves them all. A timer per write (set and
// cleared for every record, two records a request) cost more than the rest of the broker.
// Deadlines are met in start order because the bound is the same for every write: the timer
// waits for the oldest unfinished write only, and finished writes are dropped lazily when it
// fires. A write is cut off no earlier than its deadline and no later than when the timer next
// runs after it (timers are late only by event-loop delay, as a per-write timer would be).

/** One write's fate: the first of finish() and the deadline wins. */
export interface WriteDeadline {
  /** True when the write finished before its deadline (it was not cut off). */
  finish(): boolean;
}

interface Pending {
  readonly deadline: number;
  done: boolean;
  readonly onTimeout: () => void;
}

export class WriteDeadlines {
  private readonly queue: Pending[] = [];
  /** Index of the oldest entry not yet dropped (the queue is compacted now and then). */
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Starts the clock on a write; `onTimeout` runs if it has not finished by its deadline. */
  start(onTimeout: () => void): WriteDeadline {
    const pending: Pending = { deadline: this.now() + this.timeoutMs, done: false, onTimeout };
    this.queue.push(pending);
    this.arm();
    return {
      finish: () => {
        if (pending.done) return false;
        pending.done = true;
        return true;
      },
    };
  }

  private arm(): void {
    if (this.timer !== undefined) return;
    const oldest = this.queue[this.head];
    if (oldest === undefined) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, oldest.deadline - this.now()));
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.now();
    for (;;) {
      const oldest = this.queue[this.head];
      if (oldest === undefined) break;
      if (!oldest.done) {
        if (oldest.deadline > now) break;
        oldest.done = true;
        oldest.onTimeout();
      }
      this.head += 1;
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.arm();
  }
}
