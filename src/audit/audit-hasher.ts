// src/audit — one device's keyed hasher: `hash` is auditHmac with the device key, and
// `hashIdentifier` is the same value remembered in a small LRU. Identifiers are the caller's
// token and accessors: the same few strings recur in both records of every request and in
// request after request, and each HMAC costs a fresh native Hmac object (≈ 3–4 µs), so at
// concurrency they were most of the audit cost. Only identifiers go through the cache, never
// request or response data, so no secret value is kept beyond its request. The cache maps a
// raw token to its HMAC in this process's memory only; it is never written anywhere and the
// HMAC is a pure function of the device key, so it never needs invalidating.
import { auditHmac } from './audit-hmac.js';

const DEFAULT_CACHE_SIZE = 1024;

export class AuditHasher {
  private readonly key: Buffer;
  private readonly cache = new Map<string, string>();

  /** `cacheSize` 0 disables the cache (one-off hashing, tests). */
  constructor(
    key: Uint8Array,
    private readonly cacheSize = DEFAULT_CACHE_SIZE,
  ) {
    this.key = Buffer.from(key);
  }

  hash(value: string): string {
    return auditHmac(this.key, value);
  }

  /** `hash(value)`, served from the LRU when `value` was hashed recently. */
  hashIdentifier(value: string): string {
    const known = this.cache.get(value);
    if (known !== undefined) {
      // Re-inserting moves the entry to the young end of the Map's insertion order.
      this.cache.delete(value);
      this.cache.set(value, known);
      return known;
    }
    const hashed = auditHmac(this.key, value);
    if (this.cacheSize === 0) return hashed;
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    this.cache.set(value, hashed);
    return hashed;
  }
}
