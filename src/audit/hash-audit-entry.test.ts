import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { hashAuditEntry } from './hash-audit-entry.js';
import { auditHmac } from './audit-hmac.js';
import { SAMPLE_SECRETS, sampleAuditEntry } from './sample-audit-entry.js';
import type { AuditEntry } from './audit-entry.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef');
const h = (v: string): string => auditHmac(KEY, v);

test('auditHmac is HMAC-SHA256 with the device key, in Vault\'s hmac-sha256:<hex> form', () => {
  const expected = createHmac('sha256', KEY).update('foo').digest('hex');
  assert.equal(auditHmac(KEY, 'foo'), `hmac-sha256:${expected}`);
});

test('strings inside nested request data are hashed; numbers, booleans, null and keys are kept', () => {
  const out = hashAuditEntry(sampleAuditEntry(), KEY);
  assert.deepEqual(out.request.data, {
    data: {
      password: h(SAMPLE_SECRETS.password),
      deep: { list: [h(SAMPLE_SECRETS.arrayItem), 7, true, null], inner: h(SAMPLE_SECRETS.nested) },
    },
    options: { cas: 3 },
  });
});

test('tokens, accessors, headers, response auth and wrap token are hashed; structure stays clear', () => {
  const out = hashAuditEntry(sampleAuditEntry('response'), KEY);
  assert.equal(out.auth?.client_token, h(SAMPLE_SECRETS.clientToken));
  assert.equal(out.auth?.accessor, h(SAMPLE_SECRETS.accessor));
  assert.equal(out.request.client_token, h(SAMPLE_SECRETS.clientToken));
  assert.equal(out.request.client_token_accessor, h(SAMPLE_SECRETS.accessor));
  assert.deepEqual(out.request.headers, { authorization: [h(SAMPLE_SECRETS.header)] });
  assert.equal(out.response?.auth?.client_token, h(SAMPLE_SECRETS.responseToken));
  assert.equal(out.response?.wrap_info?.token, h(SAMPLE_SECRETS.wrapToken));
  assert.equal(out.response?.wrap_info?.accessor, h(SAMPLE_SECRETS.accessor));
  assert.deepEqual(out.response?.data, { password: h(SAMPLE_SECRETS.password), version: 4 });
  // Clear: what an operator reads the log for.
  assert.equal(out.request.path, 'secret/data/app');
  assert.equal(out.request.operation, 'update');
  assert.equal(out.request.id, 'req-0001');
  assert.equal(out.request.remote_address, '127.0.0.1');
  assert.equal(out.request.mount_type, 'kv');
  assert.deepEqual(out.auth?.policies, ['default', 'web']);
  assert.equal(out.auth?.display_name, 'approle-web');
  assert.equal(out.response?.status, 200);
  assert.equal(out.response?.secret?.lease_id, 'database/creds/web/lease-1');
  assert.equal(out.response?.wrap_info?.creation_path, 'secret/data/app');
  assert.equal(out.time, '2026-01-01T00:00:00.000000000Z');
});

test('hmac_accessor=false leaves accessors clear but still hashes tokens', () => {
  const out = hashAuditEntry(sampleAuditEntry('response'), KEY, { hmacAccessor: false });
  assert.equal(out.auth?.accessor, SAMPLE_SECRETS.accessor);
  assert.equal(out.request.client_token_accessor, SAMPLE_SECRETS.accessor);
  assert.equal(out.response?.wrap_info?.accessor, SAMPLE_SECRETS.accessor);
  assert.equal(out.auth?.client_token, h(SAMPLE_SECRETS.clientToken));
});

test('log_raw=true writes the entry as given', () => {
  const entry = sampleAuditEntry('response');
  assert.deepEqual(hashAuditEntry(entry, KEY, { logRaw: true }), entry);
});

test('the input entry is never mutated and empty tokens stay empty', () => {
  const entry = sampleAuditEntry('response');
  const copy = structuredClone(entry);
  hashAuditEntry(entry, KEY);
  assert.deepEqual(entry, copy);
  const anon: AuditEntry = { ...entry, request: { ...entry.request, client_token: '', client_token_accessor: '' } };
  const out = hashAuditEntry(anon, KEY);
  assert.equal(out.request.client_token, '');
  assert.equal(out.request.client_token_accessor, '');
});

test('error text stays clear and absent optional fields stay absent', () => {
  const { auth: _auth, ...noAuth } = sampleAuditEntry();
  const out = hashAuditEntry({ ...noAuth, error: 'permission denied' }, KEY);
  assert.equal(out.error, 'permission denied');
  assert.equal('auth' in out, false);
  assert.equal('response' in out, false);
});

test('property: no string placed in request data appears in clear in the serialised record', () => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.string({ minLength: 1 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), tie('value'), { maxKeys: 4 }),
    ),
  })).value;
  fc.assert(
    fc.property(json, fc.string({ minLength: 12, maxLength: 40 }), (data, marker) => {
      const secret = `SECRET<${marker}>`;
      const entry = sampleAuditEntry();
      const out = hashAuditEntry({ ...entry, request: { ...entry.request, data: { data, marker: [{ x: secret }] } } }, KEY);
      const text = JSON.stringify(out);
      assert.equal(text.includes(JSON.stringify(secret).slice(1, -1)), false);
      assert.equal(text.includes(SAMPLE_SECRETS.clientToken), false);
    }),
  );
});

test('a JSON body key named __proto__ is kept as data, hashed like any other', () => {
  const entry = sampleAuditEntry();
  const data: unknown = JSON.parse('{"__proto__":{"x":"p-secret"}}');
  const out = hashAuditEntry({ ...entry, request: { ...entry.request, data } }, KEY);
  assert.equal(JSON.stringify(out.request.data), `{"__proto__":{"x":"${h('p-secret')}"}}`);
});

test('elide_list_responses replaces list keys and key_info by their sizes, only for list operations', () => {
  const entry = sampleAuditEntry('response');
  const listing: AuditEntry = {
    ...entry,
    request: { ...entry.request, operation: 'list' },
    response: { status: 200, data: { keys: ['a', 'b', 'c'], key_info: { a: {}, b: {} } } },
  };
  assert.deepEqual(hashAuditEntry(listing, KEY, { elideListResponses: true }).response?.data, { keys: 3, key_info: 2 });
  assert.deepEqual(hashAuditEntry(listing, KEY).response?.data, { keys: [h('a'), h('b'), h('c')], key_info: { a: {}, b: {} } });
  const read = hashAuditEntry(entry, KEY, { elideListResponses: true });
  assert.deepEqual(read.response?.data, { password: h(SAMPLE_SECRETS.password), version: 4 });
});

test('non-HMAC request/response keys leave that whole top-level value clear; the rest stays hashed', () => {
  const entry = sampleAuditEntry('response');
  const out = hashAuditEntry({ ...entry, nonHmac: { requestKeys: ['options', 'absent'], responseKeys: ['password'] } }, KEY);
  // Request: `options` (an object) is copied as it is; `data` (a nested key, not top-level) is hashed.
  assert.deepEqual(out.request.data, {
    data: {
      password: h(SAMPLE_SECRETS.password),
      deep: { list: [h(SAMPLE_SECRETS.arrayItem), 7, true, null], inner: h(SAMPLE_SECRETS.nested) },
    },
    options: { cas: 3 },
  });
  assert.deepEqual(out.response?.data, { password: SAMPLE_SECRETS.password, version: 4 });
  assert.equal('nonHmac' in out, false, 'the instruction is not part of the record');
  // Keys name top-level keys only: a nested key of the same name is still hashed.
  const nested = hashAuditEntry({ ...entry, nonHmac: { requestKeys: ['password'] } }, KEY);
  assert.equal((nested.request.data as { data: { password: string } }).data.password, h(SAMPLE_SECRETS.password));
});

test('non-HMAC keys: a clear value with a cycle is cut, and a body that is not an object is hashed whole', () => {
  const entry = sampleAuditEntry();
  const loop: Record<string, unknown> = { name: 'n' };
  loop['self'] = loop;
  const out = hashAuditEntry({ ...entry, request: { ...entry.request, data: { loop } }, nonHmac: { requestKeys: ['loop'] } }, KEY);
  assert.deepEqual(out.request.data, { loop: { name: 'n', self: '[circular]' } });
  const list = hashAuditEntry({ ...entry, request: { ...entry.request, data: ['x'] }, nonHmac: { requestKeys: ['0'] } }, KEY);
  assert.deepEqual(list.request.data, [h('x')]);
});

test('audited headers: hmac=false headers are clear, others hashed; x-vault-token and authorization never clear', () => {
  const entry = sampleAuditEntry();
  const headers = { 'x-forwarded-for': ['10.0.0.1'], 'user-agent': ['curl/8'], authorization: ['Basic dTpw'], 'x-vault-token': ['hvs.t'] };
  const out = hashAuditEntry(
    { ...entry, request: { ...entry.request, headers }, nonHmac: { requestHeaders: ['x-forwarded-for', 'authorization', 'x-vault-token'] } },
    KEY,
  );
  assert.deepEqual(out.request.headers, {
    'x-forwarded-for': ['10.0.0.1'],
    'user-agent': [h('curl/8')],
    authorization: [h('Basic dTpw')],
    'x-vault-token': [h('hvs.t')],
  });
});

test('log_raw=true drops the nonHmac instruction from the record', () => {
  const entry = sampleAuditEntry('response');
  assert.deepEqual(hashAuditEntry({ ...entry, nonHmac: { responseKeys: ['password'] } }, KEY, { logRaw: true }), entry);
});
