import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OldestKeys } from './oldest-keys.js';

test('OldestKeys names the least recently used key through any mix of sets, uses, deletes and evictions', () => {
  type Op = { kind: 'set' | 'use' | 'delete' | 'evict' | 'clear'; key: number };
  const opArb: fc.Arbitrary<Op> = fc.record({ kind: fc.constantFrom('set', 'use', 'delete', 'evict', 'evict', 'clear'), key: fc.integer({ min: 0, max: 12 }) });
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
      const map = new Map<number, true>();
      const oldest = new OldestKeys(map);
      let order: number[] = []; // the reference: least recently used first
      for (const op of ops) {
        if (op.kind === 'set' || (op.kind === 'use' && map.has(op.key))) {
          map.delete(op.key);
          map.set(op.key, true);
          order = [...order.filter((k) => k !== op.key), op.key];
        } else if (op.kind === 'delete') {
          map.delete(op.key);
          order = order.filter((k) => k !== op.key);
        } else if (op.kind === 'clear') {
          map.clear();
          order = [];
        } else if (op.kind === 'evict') {
          const got = oldest.next();
          assert.equal(got?.key, order[0]);
          if (got !== undefined) {
            map.delete(got.key);
            order.shift();
          }
        }
      }
    }),
  );
});
