import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIT_WORKER_MIN_CORES, auditOnWorker } from './audit-worker-policy.js';

test('the audit worker is used when asked, never when refused, and by default only with cores to spare', () => {
  assert.equal(auditOnWorker('on', 1), true);
  assert.equal(auditOnWorker('off', 64), false);
  assert.equal(auditOnWorker('auto', 2), false);
  assert.equal(auditOnWorker('auto', AUDIT_WORKER_MIN_CORES - 1), false);
  assert.equal(auditOnWorker('auto', AUDIT_WORKER_MIN_CORES), true);
  assert.equal(typeof auditOnWorker('auto'), 'boolean', 'defaults to this machine');
});
