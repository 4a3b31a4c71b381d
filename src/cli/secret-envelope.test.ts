import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secretEnvelope } from './secret-envelope.js';

test("a server body becomes Vault's api.Secret JSON: fixed keys, unset auth/wrap_info/mount_type dropped", () => {
  const body = { mount_type: 'kv', auth: null, wrap_info: null, warnings: null, data: { a: 1 }, lease_duration: 0, renewable: false, lease_id: '', request_id: 'r1', extra: 'x' };
  const out = secretEnvelope(body);
  assert.deepEqual(Object.keys(out as object), ['request_id', 'lease_id', 'lease_duration', 'renewable', 'data', 'warnings', 'mount_type']);
  assert.deepEqual(out, { request_id: 'r1', lease_id: '', lease_duration: 0, renewable: false, data: { a: 1 }, warnings: null, mount_type: 'kv' });
});

test('auth and wrap_info are kept when set; missing envelope keys get their zero values', () => {
  const auth = { client_token: 't', policies: ['default'] };
  assert.deepEqual(secretEnvelope({ auth, mount_type: '' }), { request_id: '', lease_id: '', lease_duration: 0, renewable: false, data: null, warnings: null, auth });
  const wrap = { token: 'w', ttl: 60 };
  assert.deepEqual(Object.keys(secretEnvelope({ wrap_info: wrap }) as object).slice(-1), ['wrap_info']);
  assert.equal(secretEnvelope(null), null);
  assert.deepEqual(secretEnvelope(['a']), ['a']);
});
