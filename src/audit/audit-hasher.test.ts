import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { secretCacheKey } from '../lib/secret-cache-key.js';
import { AuditHasher } from './audit-hasher.js';
import { auditHmac } from './audit-hmac.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef');

test('hash and hashIdentifier both equal auditHmac with the device key', () => {
  fc.assert(
    fc.property(fc.array(fc.string(), { maxLength: 40 }), (values) => {
      const hasher = new AuditHasher(KEY, 8);
      for (const v of [...values, ...values]) {
        assert.equal(hasher.hash(v), auditHmac(KEY, v));
        assert.equal(hasher.hashIdentifier(v), auditHmac(KEY, v));
      }
    }),
  );
});

test('the identifier cache stays within its size and evicts the least recently used', () => {
  const hasher = new AuditHasher(KEY, 2);
  const cache = (hasher as unknown as { cache: { keys(): string[]; size: number } }).cache;
  hasher.hashIdentifier('a');
  hasher.hashIdentifier('b');
  hasher.hashIdentifier('a');
  hasher.hashIdentifier('c');
  // Keyed by digest: the raw identifiers (tokens) are not kept.
  assert.deepEqual(cache.keys(), [secretCacheKey('a'), secretCacheKey('c')]);
  assert.equal(hasher.hashIdentifier('b'), auditHmac(KEY, 'b'));
  assert.equal(cache.size, 2);
  assert.equal(cache.keys().includes('b'), false);
});

test('a zero-size cache keeps nothing', () => {
  const hasher = new AuditHasher(KEY, 0);
  hasher.hashIdentifier('token');
  assert.equal((hasher as unknown as { cache: { size: number } }).cache.size, 0);
});

test('the key is copied: changing the caller buffer later does not change hashes', () => {
  const key = Buffer.from(KEY);
  const hasher = new AuditHasher(key);
  key.fill(0);
  assert.equal(hasher.hash('x'), auditHmac(KEY, 'x'));
});
