import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secretCacheKey } from './secret-cache-key.js';

test('a cache key is a stable digest that does not contain the secret', () => {
  const token = 'hvs.CAESIJ0example0token0value';
  assert.equal(secretCacheKey(token), secretCacheKey(token));
  assert.notEqual(secretCacheKey(token), secretCacheKey(token + 'x'));
  assert.equal(secretCacheKey(token).includes('CAESIJ0'), false);
  assert.equal(secretCacheKey(token).length, 44);
});
