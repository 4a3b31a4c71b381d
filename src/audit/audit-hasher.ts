// src/audit — one device's keyed hasher: `hash` is auditHmac with the device key, and
// `hashIdentifier` is the same value remembered in a small LRU. Identifiers are the caller's
// token and accessors: the same few strings recur in both records of every request and in
// request after request, and each HMAC costs a fresh native Hmac object (≈ 3–4 µs), so at
// concurrency they were most of the audit cost. Only identifiers go through the cache, never
// request or response data, so no secret value is kept beyond its request. The cache is
// keyed by the identifier's SHA-256 (secretCacheKey), never the raw token, and the HMAC is a
// pure function of the device key, so it never needs invalidating. The key is held as a
// KeyObject (a fresh Hmac from one costs less than from raw bytes), and the HMAC of the empty
// string, which every record carries for empty fields, is computed once.
import { createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { LruCache } from '../lib/lru-cache.js';
import { auditHmac } from './audit-hmac.js';
import { secretCacheKey } from '../lib/secret-cache-key.js';

const DEFAULT_CACHE_SIZE = 1024;

export class AuditHasher {
  private readonly key: KeyObject;
  private readonly cache: LruCache<string, string>;
  private readonly empty: string;

  /** `cacheSize` 0 disables the cache (one-off hashing, tests). */
  constructor(key: Uint8Array, cacheSize = DEFAULT_CACHE_SIZE) {
    // createSecretKey copies: later changes to the caller's buffer do not reach the key.
    this.key = createSecretKey(Buffer.from(key));
    this.cache = new LruCache(cacheSize);
    this.empty = auditHmac(this.key, '');
  }

  hash(value: string): string {
    return value === '' ? this.empty : auditHmac(this.key, value);
  }

  /** `hash(value)`, served from the LRU when `value` was hashed recently. */
  hashIdentifier(value: string): string {
    return this.cache.memo(secretCacheKey(value), () => auditHmac(this.key, value));
  }
}
