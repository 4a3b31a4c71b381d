import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BarrierReadCache } from './barrier-read-cache.js';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('utf8'));

test('a fill is served as a private copy until the key is invalidated', () => {
  const cache = new BarrierReadCache();
  assert.equal(cache.lookup('k'), undefined, 'a miss before any fill');
  cache.fill('k', cache.begin('k'), bytes('v1'));
  const first = cache.lookup('k');
  assert.equal(text(first?.value), 'v1');
  first?.value?.fill(0);
  assert.equal(text(cache.lookup('k')?.value), 'v1', 'a caller mutating its copy does not reach the cache');
  cache.invalidate('k');
  assert.equal(cache.lookup('k'), undefined);
});

test('absent keys are cached as absent', () => {
  const cache = new BarrierReadCache();
  cache.fill('gone', cache.begin('gone'), undefined);
  const hit = cache.lookup('gone');
  assert.ok(hit, 'a hit');
  assert.equal(hit.value, undefined);
});

test('a write between a read and its fill voids the fill', () => {
  const cache = new BarrierReadCache();
  const ticket = cache.begin('k');
  cache.invalidate('k');
  cache.fill('k', ticket, bytes('read before the write landed'));
  assert.equal(cache.lookup('k'), undefined);
});

test('of two reads racing on one key only the later one fills', () => {
  const cache = new BarrierReadCache();
  const early = cache.begin('k');
  const late = cache.begin('k');
  cache.fill('k', early, bytes('early'));
  assert.equal(cache.lookup('k'), undefined);
  cache.fill('k', late, bytes('late'));
  assert.equal(text(cache.lookup('k')?.value), 'late');
});

test('an abandoned read leaves nothing pending', () => {
  const cache = new BarrierReadCache();
  const ticket = cache.begin('k');
  cache.abandon('k', ticket);
  cache.fill('k', ticket, bytes('late'));
  assert.equal(cache.lookup('k'), undefined);
});

test('entry and byte bounds evict the least recently used entries', () => {
  const cache = new BarrierReadCache({ maxEntries: 2, maxBytes: 1000, maxEntryBytes: 100 });
  for (const key of ['a', 'b']) cache.fill(key, cache.begin(key), bytes(key));
  cache.lookup('a');
  cache.fill('c', cache.begin('c'), bytes('c'));
  assert.equal(cache.lookup('b'), undefined, 'b was least recently used');
  assert.ok(cache.lookup('a'));
  assert.ok(cache.lookup('c'));

  const small = new BarrierReadCache({ maxEntries: 100, maxBytes: 10, maxEntryBytes: 8 });
  small.fill('big', small.begin('big'), new Uint8Array(9));
  assert.equal(small.lookup('big'), undefined, 'larger than maxEntryBytes: never kept');
  small.fill('x', small.begin('x'), new Uint8Array(6));
  small.fill('y', small.begin('y'), new Uint8Array(6));
  assert.equal(small.lookup('x'), undefined, 'evicted to stay within maxBytes');
  assert.ok(small.lookup('y'));
  assert.equal(small.size, 1);
});

test('clear zeroes the cached plaintext', () => {
  const cache = new BarrierReadCache();
  const value = bytes('secret');
  cache.fill('k', cache.begin('k'), value);
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(cache.lookup('k'), undefined);
  assert.equal(text(value), 'secret', "the caller's buffer is its own");
});

test('while not live nothing is served or filled, and going live starts empty', () => {
  const cache = new BarrierReadCache();
  cache.fill('k', cache.begin('k'), bytes('before'));
  const inFlight = cache.begin('j');
  cache.setLive(false);
  assert.equal(cache.isLive, false);
  assert.equal(cache.lookup('k'), undefined, 'emptied');
  cache.fill('j', inFlight, bytes('read before going off'));
  cache.fill('k', cache.begin('k'), bytes('read while off'));
  assert.equal(cache.size, 0, 'no fill while off');
  const offRead = cache.begin('k');
  cache.setLive(true);
  cache.fill('k', offRead, bytes('begun while off'));
  assert.equal(cache.lookup('k'), undefined, 'a read begun while off never fills');
  cache.fill('k', cache.begin('k'), bytes('after'));
  assert.equal(text(cache.lookup('k')?.value), 'after');
  const beforeReset = cache.begin('j');
  cache.setLive(true);
  cache.fill('j', beforeReset, bytes('stale'));
  assert.equal(cache.size, 0, 'going live again empties and voids reads in flight');
});
