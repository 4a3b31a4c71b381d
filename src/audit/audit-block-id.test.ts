import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditBlockId, nextAuditBlockId, stampAuditBlock } from './audit-block-id.js';

test('a stamped block keeps its number, invisible to copies, JSON and clones', () => {
  const block = Object.freeze(stampAuditBlock({ id: 'r1', path: 'secret/data/a' }));
  const id = auditBlockId(block);
  assert.equal(auditBlockId(block), id);
  assert.deepEqual(Object.keys(block), ['id', 'path']);
  assert.equal(JSON.stringify(block), '{"id":"r1","path":"secret/data/a"}');
  assert.notEqual(auditBlockId({ ...block }), id, 'a copy is another block');
  assert.deepEqual(structuredClone(block), { id: 'r1', path: 'secret/data/a' });
});

test('unstamped objects are numbered by identity; every number is used once', () => {
  const a = {};
  const b = Object.freeze({});
  const numbers = [auditBlockId(a), auditBlockId(b), nextAuditBlockId(), auditBlockId(stampAuditBlock({}))];
  assert.equal(new Set(numbers).size, numbers.length);
  assert.equal(auditBlockId(a), numbers[0]);
  assert.equal(auditBlockId(b), numbers[1]);
});
