import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ArcaError } from '../../lib/errors.js';
import type { LogicalRequest } from '../../framework/logical.js';
import type { CoreResponse } from '../core-response.js';
import { createWrappingWorld } from './wrapping-testing.js';
import { INVALID_WRAPPING_TOKEN, WRAPPING_PREFIX } from './wrapping-manager.js';
import { wrapCoreResponse } from './wrap-core-response.js';

const invalid = (e: unknown): boolean => e instanceof ArcaError && e.status === 400 && e.message === INVALID_WRAPPING_TOKEN;

function request(path: string, wrapTtl: number): LogicalRequest {
  return {
    id: 'req-1', operation: 'update', path, data: {}, headers: {}, remoteAddress: '127.0.0.1', clientToken: '',
    mountPoint: 'sys/', mountType: 'system', mountAccessor: 'sys_1', relativePath: path, auth: undefined, wrapTtl,
  };
}

test('wrap mints a one-use response-wrapping orphan and unwrap returns the payload once', async () => {
  const { manager, tokens, clock } = createWrappingWorld();
  const info = await manager.wrap({ data: { password: 'p4ss' } }, { ttl: 300, creationPath: 'sys/wrapping/wrap' });
  assert.match(info.token, /^hvs\./);
  assert.equal(info.ttl, 300);
  assert.equal(info.creation_path, 'sys/wrapping/wrap');
  assert.equal(info.creation_time, new Date(clock.now()).toISOString());
  assert.equal(info.wrapped_accessor, '');
  const entry = await tokens.lookup(info.token);
  assert.deepEqual(entry?.policies, ['response-wrapping']);
  assert.equal(entry?.orphan, true);
  assert.equal(entry?.renewable, false);
  assert.equal(entry?.numUses, 1);
  assert.equal(entry?.accessor, info.accessor);

  assert.deepEqual(await manager.unwrap(info.token), { data: { password: 'p4ss' } });
  assert.equal(await tokens.lookup(info.token), undefined, 'the wrapping token is revoked');
  await assert.rejects(manager.unwrap(info.token), invalid);
  await assert.rejects(manager.lookup(info.token), invalid);
});

test('the payload is never stored under the raw token and is dropped with it', async () => {
  const { manager, physical, tokens } = createWrappingWorld();
  const info = await manager.wrap({ data: { k: 'v' } }, { ttl: 60, creationPath: 'x' });
  const keys = await physical.scan(WRAPPING_PREFIX);
  assert.equal(keys.length, 1);
  for (const key of await physical.scan('')) {
    const text = Buffer.from((await physical.get(key)) ?? []).toString('utf8');
    assert.ok(!key.includes(info.token) && !text.includes(info.token), `raw wrapping token under ${key}`);
  }
  await tokens.revoke(info.token);
  assert.deepEqual(await physical.scan(WRAPPING_PREFIX), [], 'revoking the token drops its payload');
});

test('unknown, empty and non-wrapping tokens are all the same 400', async () => {
  const { manager, tokens } = createWrappingWorld();
  const root = await tokens.createRoot();
  for (const token of ['', 'hvs.made-up', 'x'.repeat(5000), root.token]) {
    await assert.rejects(manager.unwrap(token), invalid);
    await assert.rejects(manager.lookup(token), invalid);
    await assert.rejects(manager.rewrap(token), invalid);
  }
  assert.ok(await tokens.lookup(root.token), 'a failed unwrap does not touch a non-wrapping token');
});

test('concurrent unwraps: exactly one wins', async () => {
  const { manager } = createWrappingWorld();
  const info = await manager.wrap({ data: { n: 1 } }, { ttl: 60, creationPath: 'p' });
  const results = await Promise.allSettled([manager.unwrap(info.token), manager.unwrap(info.token), manager.unwrap(info.token)]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results) if (r.status === 'rejected') assert.ok(invalid(r.reason));
});

test('lookup reports creation path, time and ttl without spending the token', async () => {
  const { manager, clock } = createWrappingWorld();
  const info = await manager.wrap({ data: {} }, { ttl: 120, creationPath: 'secret/data/app' });
  clock.advance(10_000);
  const found = await manager.lookup(info.token);
  assert.deepEqual(found, { creation_path: 'secret/data/app', creation_time: info.creation_time, creation_ttl: 120 });
  assert.deepEqual(await manager.lookup(info.token), found);
  assert.deepEqual(await manager.unwrap(info.token), { data: {} });
});

test('expiry: after the wrap TTL the token neither unwraps nor looks up, and the reaper drops the payload', async () => {
  const { manager, clock, leases, physical } = createWrappingWorld();
  const info = await manager.wrap({ data: { s: 1 } }, { ttl: 30, creationPath: 'p' });
  clock.advance(29_000);
  assert.equal((await manager.lookup(info.token)).creation_ttl, 30);
  clock.advance(1_000);
  await assert.rejects(manager.lookup(info.token), invalid);
  await assert.rejects(manager.unwrap(info.token), invalid);
  await leases.reapExpired();
  assert.deepEqual(await physical.scan(WRAPPING_PREFIX), []);
});

test('rewrap moves the payload behind a new token with the same ttl and path; the old token is dead', async () => {
  const { manager, clock, tokens } = createWrappingWorld();
  const first = await manager.wrap({ auth: { client_token: 'hvs.inner' } }, { ttl: 600, creationPath: 'auth/token/create', wrappedAccessor: 'acc1' });
  clock.advance(60_000);
  const second = await manager.rewrap(first.token);
  assert.notEqual(second.token, first.token);
  assert.equal(second.ttl, 600);
  assert.equal(second.creation_path, 'auth/token/create');
  assert.equal(second.wrapped_accessor, 'acc1');
  assert.equal(second.creation_time, new Date(clock.now()).toISOString());
  assert.equal(await tokens.lookup(first.token), undefined);
  await assert.rejects(manager.unwrap(first.token), invalid);
  assert.deepEqual(await manager.unwrap(second.token), { auth: { client_token: 'hvs.inner' } });
});

test('wrap TTL is clamped to at least one second and at most the maximum', async () => {
  const { manager } = createWrappingWorld();
  assert.equal(manager.clampTtl(0), 1);
  assert.equal(manager.clampTtl(10 ** 12), 768 * 3600);
  assert.equal((await manager.wrap({}, { ttl: 0.2, creationPath: 'p' })).ttl, 1);
});

test('tidy removes payloads whose token vanished without the revoke hook', async () => {
  const { manager, physical } = createWrappingWorld();
  await manager.wrap({}, { ttl: 60, creationPath: 'p' });
  const kept = await manager.wrap({}, { ttl: 60, creationPath: 'p' });
  await physical.put(`${WRAPPING_PREFIX}${'0'.repeat(64)}`, new TextEncoder().encode('{}'));
  assert.equal(await manager.tidy(1), 1);
  assert.equal((await physical.scan(WRAPPING_PREFIX)).length, 2);
  assert.equal((await manager.lookup(kept.token)).creation_ttl, 60);
});

test('wrapCoreResponse: wraps when asked, returns only wrap_info, stores the full envelope', async () => {
  const { manager } = createWrappingWorld();
  const out: CoreResponse = {
    data: { k: 'v' }, mountType: 'token',
    auth: {
      client_token: 'hvs.child', accessor: 'child-acc', policies: ['default'], token_policies: ['default'], metadata: null,
      lease_duration: 3600, renewable: true, entity_id: '', token_type: 'service', orphan: false, num_uses: 0, mfa_requirement: null,
    },
  };
  assert.equal(await wrapCoreResponse(manager, out, request('auth/token/create', 0)), out, 'no wrap TTL: unchanged');
  assert.equal(await wrapCoreResponse(manager, undefined, request('x', 60)), undefined, 'nothing to wrap');
  const raw: CoreResponse = { raw: { contentType: 'text/plain', body: 'ok' } };
  assert.equal(await wrapCoreResponse(manager, raw, request('x', 60)), raw);

  const wrapped = await wrapCoreResponse(manager, out, request('auth/token/create', 10 ** 9));
  assert.deepEqual(Object.keys(wrapped ?? {}).sort(), ['mountType', 'wrapInfo']);
  const info = wrapped?.wrapInfo;
  assert.ok(info);
  assert.equal(info.ttl, 768 * 3600);
  assert.equal(info.creation_path, 'auth/token/create');
  assert.equal(info.wrapped_accessor, 'child-acc');
  const payload = await manager.unwrap(info.token);
  assert.equal(payload['request_id'], 'req-1');
  assert.deepEqual(payload['data'], { k: 'v' });
  assert.equal((payload['auth'] as { client_token: string }).client_token, 'hvs.child');
  assert.equal(payload['wrap_info'], null);
});

test('wrapCoreResponse: a wrap_info attached by the handler is returned as it is, once', async () => {
  const { manager } = createWrappingWorld();
  const req = request('sys/wrapping/rewrap', 0);
  const info = await manager.wrap({}, { ttl: 60, creationPath: 'p' });
  manager.attach(req, info);
  assert.deepEqual(await wrapCoreResponse(manager, { data: {} }, req), { wrapInfo: info });
  assert.deepEqual(await wrapCoreResponse(manager, { data: {} }, req), { data: {} });
});

test('property: any JSON payload unwraps to itself exactly once', async () => {
  const { manager } = createWrappingWorld();
  await fc.assert(
    fc.asyncProperty(fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 3 })), async (payload) => {
      const clean = JSON.parse(JSON.stringify(payload)) as Record<string, unknown>;
      const info = await manager.wrap(clean, { ttl: 60, creationPath: 'p' });
      assert.deepEqual(await manager.unwrap(info.token), clean);
      await assert.rejects(manager.unwrap(info.token), invalid);
    }),
    { numRuns: 40 },
  );
});
