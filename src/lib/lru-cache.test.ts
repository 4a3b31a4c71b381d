import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LruCache } from './lru-cache.js';

test('evicts the least recently used entry, and get refreshes', () => {
  const lru = new LruCache<string, number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  assert.equal(lru.get('a'), 1);
  lru.set('c', 3);
  assert.deepEqual(lru.keys(), ['a', 'c']);
  assert.equal(lru.get('b'), undefined);
});

test('memo computes once per remembered key; capacity 0 remembers nothing', () => {
  let calls = 0;
  const f = (k: string): string => {
    calls++;
    return k.toUpperCase();
  };
  const lru = new LruCache<string, string>(4);
  assert.equal(lru.memo('x', f), 'X');
  assert.equal(lru.memo('x', f), 'X');
  assert.equal(calls, 1);
  const none = new LruCache<string, string>(0);
  none.memo('x', f);
  none.memo('x', f);
  assert.equal(calls, 3);
  assert.equal(none.size, 0);
  assert.throws(() => new LruCache(-1), RangeError);
});

test('behaves as a model LRU under any sequence of operations', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 8 }))), (capacity, ops) => {
      const lru = new LruCache<number, number>(capacity);
      let model: number[] = [];
      for (const [isSet, k] of ops) {
        if (isSet) {
          lru.set(k, k * 10);
          model = [...model.filter((m) => m !== k), k];
          if (model.length > capacity) model = model.slice(1);
        } else {
          const hit = model.includes(k);
          assert.equal(lru.get(k), hit ? k * 10 : undefined);
          if (hit) model = [...model.filter((m) => m !== k), k];
        }
        assert.deepEqual(lru.keys(), model);
      }
    }),
  );
});
