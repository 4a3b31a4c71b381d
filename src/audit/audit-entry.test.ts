import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAuditTime } from './audit-entry.js';

test('formatAuditTime writes RFC 3339 with nanosecond digits, in UTC', () => {
  assert.equal(formatAuditTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05.678000000Z');
});
