import { test } from 'node:test';
import assert from 'node:assert/strict';
import { injectsDataAtTopLevel } from './top-level-data-routes.js';

test('the routes with top-level data are Vault\'s injectDataIntoTopRoutes', () => {
  for (const p of ['sys/mounts', 'sys/mounts/secret', 'sys/mounts/secret/tune', 'sys/auth', 'sys/auth/userpass/tune', 'sys/policy/default', 'sys/remount', 'sys/capabilities-self']) {
    assert.equal(injectsDataAtTopLevel(p), true, p);
  }
  for (const p of ['sys/mountsx', 'sys/internal/ui/mounts', 'sys/policies/acl/default', 'secret/data/x', 'sys/remount/status/x', 'sys/health']) {
    assert.equal(injectsDataAtTopLevel(p), false, p);
  }
});
