import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildRequest, createEngineWorld } from '../../engines/kv/kv-testing.js';
import type { EngineWorld } from '../../engines/kv/kv-testing.js';
import type { LogicalResponse } from '../../framework/logical.js';
import { createApproleBackend } from './approle-backend.js';
import { renewalOf, renewRefusal, renews } from '../renewal-testing.js';
import { INVALID_LOGIN } from './path-login.js';

async function roleId(w: EngineWorld, role: string): Promise<string> {
  return (await w.data('read', `role/${role}/role-id`))['role_id'] as string;
}

async function secretId(w: EngineWorld, role: string, data: Record<string, unknown> = {}): Promise<{ secret_id: string; secret_id_accessor: string }> {
  return (await w.data('update', `role/${role}/secret-id`, data)) as { secret_id: string; secret_id_accessor: string };
}

function loginFrom(w: EngineWorld, remoteAddress: string, data: Record<string, unknown>): Promise<LogicalResponse | undefined> {
  return w.handler.handle({ ...buildRequest('update', 'login', data), remoteAddress });
}

test('roles: create with defaults, read, list, update, custom role_id, delete', async () => {
  const w = createEngineWorld(createApproleBackend);
  await w.call('create', 'role/app', { token_policies: 'app', secret_id_ttl: '10m', token_ttl: '1h' });
  const role = await w.data('read', 'role/app');
  assert.equal(role['bind_secret_id'], true);
  assert.equal(role['secret_id_ttl'], 600);
  assert.deepEqual(role['token_policies'], ['app']);
  assert.deepEqual(await w.data('list', 'role/'), { keys: ['app'] });
  const id = await roleId(w, 'app');
  assert.match(id, /^[0-9a-f-]{36}$/);
  await w.call('update', 'role/app', { secret_id_num_uses: 5 });
  assert.equal((await w.data('read', 'role/app'))['secret_id_num_uses'], 5);
  assert.equal(await roleId(w, 'app'), id, 'an update keeps the role_id');
  await w.call('update', 'role/app/role-id', { role_id: 'my-custom-id' });
  assert.equal(await roleId(w, 'app'), 'my-custom-id');
  await w.call('create', 'role/other', {});
  assert.equal((await w.fail('update', 'role/other/role-id', { role_id: 'my-custom-id' })).status, 400);
  await w.call('delete', 'role/app');
  assert.equal(await w.call('read', 'role/app'), undefined);
  assert.equal((await w.fail('update', 'login', { role_id: 'my-custom-id', secret_id: 'x' })).message, INVALID_LOGIN);
});

test('roles: bind_secret_id=false needs a CIDR bound; bad values are 400', async () => {
  const w = createEngineWorld(createApproleBackend);
  assert.equal((await w.fail('create', 'role/r', { bind_secret_id: false })).status, 400);
  assert.equal((await w.fail('create', 'role/r', { secret_id_bound_cidrs: 'bad' })).status, 400);
  assert.equal((await w.fail('create', 'role/r', { secret_id_num_uses: -1 })).status, 400);
  await w.call('create', 'role/r', { bind_secret_id: false, secret_id_bound_cidrs: '127.0.0.0/8' });
  const res = await w.call('update', 'login', { role_id: await roleId(w, 'r') });
  assert.ok(res?.auth);
  assert.equal((await w.fail('update', 'role/r/secret-id')).status, 400);
  await assert.rejects(loginFrom(w, '10.0.0.1', { role_id: await roleId(w, 'r') }), { message: INVALID_LOGIN });
});

test('login: issues auth with role metadata and the secret-id metadata; wrong parts get one answer', async () => {
  const w = createEngineWorld(createApproleBackend);
  await w.call('create', 'role/web', { token_policies: 'web', token_ttl: '20m' });
  const rid = await roleId(w, 'web');
  const sid = await secretId(w, 'web', { metadata: '{"team":"blue"}' });
  const res = await w.call('update', 'login', { role_id: rid, secret_id: sid.secret_id });
  assert.ok(res?.auth);
  assert.deepEqual(res.auth.policies, ['default', 'web']);
  assert.deepEqual(res.auth.metadata, { team: 'blue', role_name: 'web' });
  assert.equal(res.auth.alias?.name, rid);
  assert.equal(res.auth.displayName, '', 'no name part: the token is named after the mount ("approle")');
  assert.equal(res.auth.ttl, 1200);
  for (const body of [{ role_id: rid, secret_id: 'wrong' }, { role_id: 'wrong', secret_id: sid.secret_id }, { role_id: rid }, { role_id: rid, secret_id: '' }]) {
    const err = await w.fail('update', 'login', body);
    assert.deepEqual([err.status, err.message], [400, INVALID_LOGIN]);
  }
  assert.equal(w.handler.loginAccount(buildRequest('update', 'login', { role_id: rid })), rid);
});

test('secret-ids are stored only as HMACs', async () => {
  const w = createEngineWorld(createApproleBackend);
  await w.call('create', 'role/a', {});
  const sid = await secretId(w, 'a');
  const custom = 'custom-secret-value-123';
  await w.call('update', 'role/a/custom-secret-id', { secret_id: custom });
  for (const key of await w.physical.scan('')) {
    const text = key + Buffer.from((await w.physical.get(key)) ?? new Uint8Array()).toString();
    assert.equal(text.includes(sid.secret_id), false);
    assert.equal(text.includes(custom), false);
  }
  assert.equal((await w.fail('update', 'role/a/custom-secret-id', { secret_id: custom })).status, 400);
  const res = await w.call('update', 'login', { role_id: await roleId(w, 'a'), secret_id: custom });
  assert.ok(res?.auth);
});

test('secret-id expiry follows the clock; lookup hides and login deletes an expired one', async () => {
  const w = createEngineWorld(createApproleBackend);
  await w.call('create', 'role/t', { secret_id_ttl: '10m' });
  const rid = await roleId(w, 't');
  assert.equal((await w.fail('update', 'role/t/secret-id', { ttl: '1h' })).status, 400);
  const sid = await secretId(w, 't', { ttl: '5m' });
  const looked = await w.data('update', 'role/t/secret-id/lookup', { secret_id: sid.secret_id });
  assert.equal(looked['secret_id_ttl'], 300);
  assert.equal(looked['expiration_time'], new Date(w.clock.now() + 300_000).toISOString());
  w.clock.advance(299_000);
  assert.ok((await w.call('update', 'login', { role_id: rid, secret_id: sid.secret_id }))?.auth);
  w.clock.advance(1_000);
  assert.equal((await w.fail('update', 'login', { role_id: rid, secret_id: sid.secret_id })).message, INVALID_LOGIN);
  assert.equal(await w.call('update', 'role/t/secret-id/lookup', { secret_id: sid.secret_id }), undefined);
  assert.equal(await w.call('list', 'role/t/secret-id'), undefined, 'the expired secret-id was removed at login');
});

test('num_uses: exactly N logins succeed, even when they race', async () => {
  const w = createEngineWorld(createApproleBackend);
  await w.call('create', 'role/n', { secret_id_num_uses: 5 });
  const rid = await roleId(w, 'n');
  assert.equal((await w.fail('update', 'role/n/secret-id', { num_uses: 6 })).status, 400);
  assert.equal((await w.fail('update', 'role/n/secret-id', { num_uses: 0 })).status, 400);
  const sid = await secretId(w, 'n', { num_uses: 3 });
  const results = await Promise.allSettled(Array.from({ length: 12 }, () => w.call('update', 'login', { role_id: rid, secret_id: sid.secret_id })));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
  const lookup = await w.call('update', 'role/n/secret-id/lookup', { secret_id: sid.secret_id });
  assert.equal(lookup, undefined, 'a used-up secret-id is gone');
  const two = await secretId(w, 'n', { num_uses: 2 });
  await w.call('update', 'login', { role_id: rid, secret_id: two.secret_id });
  assert.equal((await w.data('update', 'role/n/secret-id/lookup', { secret_id: two.secret_id }))['secret_id_num_uses'], 1);
});

test('CIDR bounds: role secret_id_bound_cidrs and the secret-id cidr_list are checked against the client address', async () => {
  const w = createEngineWorld(createApproleBackend);
  await w.call('create', 'role/c', { secret_id_bound_cidrs: '10.0.0.0/8' });
  const rid = await roleId(w, 'c');
  assert.equal((await w.fail('update', 'role/c/secret-id', { cidr_list: '192.168.0.0/16' })).status, 400);
  assert.equal((await w.fail('update', 'role/c/secret-id', { cidr_list: '10.0.0.0/7' })).status, 400);
  const narrow = await secretId(w, 'c', { cidr_list: '10.1.0.0/16', num_uses: 1 });
  await assert.rejects(loginFrom(w, '192.168.1.1', { role_id: rid, secret_id: narrow.secret_id }), { message: INVALID_LOGIN });
  await assert.rejects(loginFrom(w, '10.2.0.1', { role_id: rid, secret_id: narrow.secret_id }), { message: INVALID_LOGIN });
  // Refused attempts did not spend the single use.
  assert.ok((await loginFrom(w, '10.1.2.3', { role_id: rid, secret_id: narrow.secret_id }))?.auth);
  const tokenBound = await secretId(w, 'c', { token_bound_cidrs: '10.9.0.0/16' });
  const res = await loginFrom(w, '10.9.9.9', { role_id: rid, secret_id: tokenBound.secret_id });
  assert.deepEqual(res?.auth?.boundCidrs, ['10.9.0.0/16']);
});

test('accessors: list, lookup, destroy; destroy by secret_id; tidy removes expired ones', async () => {
  const w = createEngineWorld(createApproleBackend);
  await w.call('create', 'role/x', {});
  const rid = await roleId(w, 'x');
  const a = await secretId(w, 'x', { metadata: { k: 'v' } });
  const b = await secretId(w, 'x');
  const c = await secretId(w, 'x', { ttl: '1m' });
  const listed = (await w.data('list', 'role/x/secret-id'))['keys'] as string[];
  assert.deepEqual(listed.sort(), [a, b, c].map((s) => s.secret_id_accessor).sort());
  const byAccessor = await w.data('update', 'role/x/secret-id-accessor/lookup', { secret_id_accessor: a.secret_id_accessor });
  assert.deepEqual(byAccessor['metadata'], { k: 'v' });
  assert.equal(JSON.stringify(byAccessor).includes(a.secret_id), false);
  await w.call('update', 'role/x/secret-id-accessor/destroy', { secret_id_accessor: a.secret_id_accessor });
  assert.equal((await w.fail('update', 'role/x/secret-id-accessor/lookup', { secret_id_accessor: a.secret_id_accessor })).status, 404);
  assert.equal((await w.fail('update', 'role/x/secret-id-accessor/destroy', { secret_id_accessor: 'nope' })).status, 404);
  await w.call('delete', 'role/x/secret-id/destroy', { secret_id: b.secret_id });
  assert.equal((await w.fail('update', 'login', { role_id: rid, secret_id: b.secret_id })).message, INVALID_LOGIN);
  w.clock.advance(120_000);
  const tidy = await w.call('update', 'tidy/secret-id');
  assert.equal(tidy?.status, 202);
  assert.equal(await w.call('list', 'role/x/secret-id'), undefined);
  assert.deepEqual(await w.storage.scan('secret-id/'), []);
});

test('property: k racing logins with a secret-id of N uses give min(k, N) tokens', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 10 }), async (uses, attempts) => {
      const w = createEngineWorld(createApproleBackend);
      await w.call('create', 'role/p', {});
      const rid = await roleId(w, 'p');
      const sid = await secretId(w, 'p', { num_uses: uses });
      const results = await Promise.allSettled(Array.from({ length: attempts }, () => w.call('update', 'login', { role_id: rid, secret_id: sid.secret_id })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, Math.min(uses, attempts));
      const left = await w.call('update', 'role/p/secret-id/lookup', { secret_id: sid.secret_id });
      assert.equal(left?.data?.['secret_id_num_uses'], uses > attempts ? uses - attempts : undefined);
    }),
    { numRuns: 25 },
  );
});

test('renewal: goes on while the role exists, whatever its policies; refused once it is deleted', async () => {
  const w = createEngineWorld(createApproleBackend);
  await w.call('create', 'role/Build', { token_policies: 'ci' });
  const sid = await secretId(w, 'Build', { metadata: '{"role_name":"other"}' });
  const res = await w.call('update', 'login', { role_id: await roleId(w, 'Build'), secret_id: sid.secret_id });
  const login = renewalOf(res?.auth, 'auth/approle/login');
  assert.equal(login.metadata['role_name'], 'Build', 'a secret-id cannot name another role');
  await renews(w.backend, login);
  await w.call('update', 'role/Build', { token_policies: 'ci,deploy' });
  await renews(w.backend, login);
  await w.call('delete', 'role/Build');
  assert.equal(await renewRefusal(w.backend, login), 'role "Build" does not exist during renewal');
});
