import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WorkerKnownBlocks } from './worker-known-blocks.js';

test('remembers exactly the blocks of the last `capacity` sends, a block sent again counting from its last send', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.integer({ min: 1, max: 10 }), { maxLength: 60 }), (capacity, sends) => {
      const known = new WorkerKnownBlocks(capacity);
      sends.forEach((id, i) => {
        known.sent(id);
        // Naive reference: the ids among the last `capacity` sends.
        const window = new Set(sends.slice(Math.max(0, i + 1 - capacity), i + 1));
        for (let probe = 1; probe <= 10; probe += 1) assert.equal(known.has(probe), window.has(probe), `after send ${i}, block ${probe}`);
      });
    }),
  );
});

test('clear() forgets everything', () => {
  const known = new WorkerKnownBlocks(4);
  [1, 2, 3].forEach((id) => known.sent(id));
  known.clear();
  assert.equal([1, 2, 3].some((id) => known.has(id)), false);
  known.sent(5);
  assert.equal(known.has(5), true);
});
