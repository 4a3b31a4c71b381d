import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isShared, markShared } from './shared-value.js';

test('a marked value is deep-frozen and recognised by identity only', () => {
  const value = { a: { b: [1, { c: 'x' }] } };
  assert.equal(isShared(value), false);
  assert.equal(markShared(value), value);
  assert.equal(isShared(value), true);
  assert.ok(Object.isFrozen(value.a.b[1]));
  assert.throws(() => {
    (value.a as { b: unknown }).b = 1;
  }, TypeError);
  assert.equal(isShared({ ...value }), false, 'a copy is not marked');
  assert.equal(isShared(Object.freeze({})), false, 'frozen is not enough');
  assert.equal(isShared('text'), false);
  assert.equal(isShared(null), false);
});
