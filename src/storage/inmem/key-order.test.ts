import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareKeys, prefixEnd } from './key-order.js';

/** The definition, by code points: the prefix with its last incrementable code point + 1. */
function referenceEnd(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const cp = (points.pop() as string).codePointAt(0) as number;
    if (cp < 0x10ffff) return points.join('') + String.fromCodePoint(cp === 0xd7ff ? 0xe000 : cp + 1);
  }
  return undefined;
}

const unit = fc.oneof(fc.constantFrom('a', '/', '\uffff', '\ud7ff', '\ue000', '\u{10ffff}', '😀'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
const keys = fc.string({ unit, maxLength: 8 });

test('prefixEnd agrees with its definition, and bounds every key under the prefix', () => {
  fc.assert(
    fc.property(keys, keys, (prefix, rest) => {
      const end = prefixEnd(prefix);
      assert.equal(end, referenceEnd(prefix));
      if (end !== undefined) {
        assert.ok(compareKeys(prefix + rest, end) < 0, 'a key under the prefix sorts before its end');
        assert.ok(compareKeys(prefix, end) < 0);
      }
    }),
    { numRuns: 2000 },
  );
  assert.equal(prefixEnd(''), undefined);
  assert.equal(prefixEnd('sys/token/'), 'sys/token0');
});
