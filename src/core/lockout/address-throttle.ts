// src/core/lockout — per client address throttling of failed logins, in memory on each node
// (a guess rate limit, not an authority: the per-account lockout in storage is the lock).
// A sliding window of failure times per address; past `limit` failures in `windowMs` the
// address is refused until the oldest failure leaves the window. Bounded memory: at most
// `maxAddresses` addresses are tracked, the oldest dropped first.
import type { Clock } from '../../lib/clock.js';
import { OldestKeys } from '../../lib/oldest-keys.js';

export interface AddressThrottleOptions {
  readonly limit?: number;
  readonly windowMs?: number;
  readonly maxAddresses?: number;
}

export class AddressThrottle {
  private readonly failures = new Map<string, number[]>();
  /** A brute force from many addresses evicts on every failure: O(1) each (see OldestKeys). */
  private readonly oldest = new OldestKeys(this.failures);
  private readonly clock: Clock;
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly maxAddresses: number;

  constructor(clock: Clock, options: AddressThrottleOptions = {}) {
    this.clock = clock;
    this.limit = options.limit ?? 20;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxAddresses = options.maxAddresses ?? 100_000;
  }

  blocked(address: string): boolean {
    return this.recent(address).length >= this.limit;
  }

  fail(address: string): void {
    const list = this.recent(address);
    list.push(this.clock.now());
    this.failures.delete(address);
    this.failures.set(address, list);
    if (this.failures.size > this.maxAddresses) {
      const oldest = this.oldest.next();
      if (oldest !== undefined) this.failures.delete(oldest.key);
    }
  }

  private recent(address: string): number[] {
    const since = this.clock.now() - this.windowMs;
    const list = (this.failures.get(address) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(address);
    return list;
  }
}
