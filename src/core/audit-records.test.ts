import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditBlocks, requestRecord, responseRecord } from './audit-records.js';
import type { AuditConfigSource } from './audit-records.js';
import { newMountEntry } from './router/mount-entry.js';
import type { LogicalRequest } from '../framework/logical.js';
import type { AuditedHeaderSettings } from './router/audited-headers.js';

function request(headers: Record<string, string>): LogicalRequest {
  return {
    id: 'r1', operation: 'update', path: 'kv/app', data: { user: 'u', pw: 'p' }, headers, remoteAddress: '127.0.0.1',
    clientToken: 'hvs.tok', mountPoint: 'kv/', mountType: 'kv', mountAccessor: 'kv_1', relativePath: 'app', auth: undefined, wrapTtl: 0,
  };
}

function source(settings: Record<string, AuditedHeaderSettings>, config = {}): AuditConfigSource {
  const entry = newMountEntry({ table: 'mounts', path: 'kv', type: 'kv', config });
  return { entryAt: (prefix) => (prefix === 'kv/' ? entry : undefined), auditedHeaders: { settings: () => new Map(Object.entries(settings)) } };
}

test('blocks carry only audited headers, never the token, and the mount keys left clear', () => {
  const req = request({ 'x-forwarded-for': '10.0.0.1', 'x-other': 'o', 'x-vault-token': 'hvs.tok', authorization: 'Bearer hvs.tok', 'x-id': 'i' });
  const cfg = source(
    { 'x-forwarded-for': { hmac: false }, 'x-id': { hmac: true }, 'x-vault-token': { hmac: false }, authorization: { hmac: false } },
    { audit_non_hmac_request_keys: ['user'], audit_non_hmac_response_keys: [] },
  );
  const blocks = auditBlocks(req, cfg);
  assert.deepEqual(blocks.request.headers, { 'x-forwarded-for': ['10.0.0.1'], 'x-id': ['i'] });
  assert.deepEqual(blocks.nonHmac, { requestKeys: ['user'], requestHeaders: ['x-forwarded-for'] });
  assert.ok(Object.isFrozen(blocks.request));
  // Both records carry the same instruction.
  assert.equal(requestRecord(blocks, 0).nonHmac, blocks.nonHmac);
  assert.equal(responseRecord(blocks, req, 0, undefined, 'x', 400).nonHmac, blocks.nonHmac);
});

test('with nothing configured the blocks are as before: no headers, no nonHmac', () => {
  const blocks = auditBlocks(request({ 'x-forwarded-for': '10.0.0.1' }), source({}));
  assert.equal('headers' in blocks.request, false);
  assert.equal('nonHmac' in blocks, false);
  assert.equal('nonHmac' in requestRecord(auditBlocks(request({})), 0), false);
});

test('a non-Bearer Authorization value is kept (and stays HMACd whatever hmac says)', () => {
  const blocks = auditBlocks(request({ authorization: 'Basic dTpw' }), source({ authorization: { hmac: false } }));
  assert.deepEqual(blocks.request.headers, { authorization: ['Basic dTpw'] });
  assert.equal('nonHmac' in blocks, false, 'never named clear (and the device would refuse, see hash-audit-entry.ts)');
});

test("the auth block shows Vault's token_ttl and token_issue_time, one object per shared RequestAuth", () => {
  const auth = Object.freeze({
    accessor: 'acc', policies: ['default', 'p'], tokenPolicies: ['default', 'p'], displayName: 'token', entityId: '', metadata: {},
    tokenType: 'service' as const, ttl: 3600, issueTime: Date.UTC(2026, 0, 2, 3, 4, 5, 678), orphan: false, tokenKey: 'k',
  });
  const first = auditBlocks({ ...request({}), auth }).auth;
  assert.equal(first?.token_ttl, 3600, 'the granted TTL, not the time left');
  assert.equal(first?.token_issue_time, '2026-01-02T03:04:05Z');
  // Kept between requests, the block holds no raw token; each record carries it instead.
  assert.equal(first?.client_token, '');
  const blocks = auditBlocks({ ...request({}), auth });
  assert.equal(requestRecord(blocks, 0).authToken, 'hvs.tok');
  assert.equal(responseRecord(blocks, { ...request({}), auth }, 0, undefined, 'x', 400).authToken, 'hvs.tok');
  assert.ok(Object.isFrozen(first));
  assert.equal(auditBlocks({ ...request({}), id: 'r2', auth }).auth, first, 'the next request of the token reuses the block');
  // A per-request RequestAuth (an entity token's effective policies) gets its own block.
  const widened = { ...auth, policies: ['default', 'p', 'group-policy'] };
  const other = auditBlocks({ ...request({}), auth: widened }).auth;
  assert.notEqual(other, first);
  assert.deepEqual(other?.policies, ['default', 'p', 'group-policy']);
});
