// src/lib — time is injected everywhere (TTLs, expiry, rotation) so tests use a FakeClock
// instead of sleeping. All times are milliseconds since the Unix epoch.

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('FakeClock cannot go backwards');
    this.current += ms;
  }

  set(ms: number): void {
    this.current = ms;
  }
}
