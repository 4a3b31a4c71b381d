// src/lib — the key under which an in-memory cache may remember something derived from a
// secret (a token, an accessor): its SHA-256, never the secret itself, so a cache never
// keeps a usable credential in the heap after its request. One native one-shot digest
// (≈ 1 µs) is still far cheaper than the keyed HMAC objects such caches spare.
import { hash } from 'node:crypto';

export function secretCacheKey(secret: string): string {
  return hash('sha256', secret, 'base64');
}
