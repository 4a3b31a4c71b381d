import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOptions } from '@node-rs/argon2';
import { buildRequest, createEngineWorld } from '../../engines/kv/kv-testing.js';
import { createUserpassBackend } from './userpass-backend.js';
import { POLICIES_CHANGED } from '../equivalent-policies.js';
import { renewalOf, renewRefusal, renews } from '../renewal-testing.js';
import { INVALID_LOGIN } from './path-login.js';
import type { UserEntry } from './user-store.js';

test('users: create, read without the password, list, update, delete', async () => {
  const w = createEngineWorld(createUserpassBackend);
  await w.call('create', 'users/Alice', { password: 'pw-1', token_policies: 'dev, ops', token_ttl: '1h' });
  const read = await w.data('read', 'users/alice');
  assert.deepEqual(read['token_policies'], ['dev', 'ops']);
  assert.equal(read['token_ttl'], 3600);
  assert.equal('password' in read || 'password_hash' in read, false);
  assert.equal(JSON.stringify(read).includes('pw-1'), false);
  assert.deepEqual(await w.data('list', 'users/'), { keys: ['alice'] });
  await w.call('update', 'users/alice', { token_max_ttl: '2h' });
  const after = await w.data('read', 'users/alice');
  assert.equal(after['token_max_ttl'], 7200);
  assert.deepEqual(after['token_policies'], ['dev', 'ops']);
  await w.call('delete', 'users/alice');
  assert.equal(await w.call('read', 'users/alice'), undefined);
  assert.equal(await w.call('list', 'users/'), undefined);
});

test('users: create needs a password; bad fields are 400', async () => {
  const w = createEngineWorld(createUserpassBackend);
  assert.equal((await w.fail('create', 'users/bob', {})).status, 400);
  assert.equal((await w.fail('create', 'users/bob', { password: 'x', token_bound_cidrs: 'nope' })).status, 400);
  assert.equal((await w.fail('update', 'users/ghost/password', { password: 'x' })).status, 400);
  assert.equal((await w.fail('read', 'users/a/b/c')).status, 404);
});

test('passwords are stored only as argon2id with the documented parameters', async () => {
  const w = createEngineWorld(createUserpassBackend);
  await w.call('create', 'users/carol', { password: 'correct horse' });
  const stored = await w.storage.getJson<UserEntry>('user/carol');
  assert.ok(stored);
  assert.equal(stored.password_hash.startsWith('$argon2id$'), true);
  const opts = parseOptions(stored.password_hash);
  assert.deepEqual([opts.memoryCost, opts.timeCost, opts.parallelism], [19456, 2, 1]);
  for (const key of await w.physical.scan('')) {
    const raw = Buffer.from((await w.physical.get(key)) ?? new Uint8Array()).toString();
    assert.equal(raw.includes('correct horse'), false);
  }
});

test('login: right password gives auth; wrong password and unknown user get the same 400', async () => {
  const w = createEngineWorld(createUserpassBackend);
  await w.call('create', 'users/dave', { password: 's3cret', token_policies: 'reader', token_ttl: '10m' });
  const res = await w.call('update', 'login/DAVE', { password: 's3cret' });
  assert.ok(res?.auth);
  assert.deepEqual(res.auth.policies, ['default', 'reader']);
  assert.equal(res.auth.displayName, 'dave', 'the name part only: the core prefixes the mount path');
  assert.deepEqual(res.auth.metadata, { username: 'dave' });
  assert.equal(res.auth.alias?.name, 'dave');
  assert.equal(res.auth.ttl, 600);
  const wrong = await w.fail('update', 'login/dave', { password: 'nope' });
  const unknown = await w.fail('update', 'login/erin', { password: 'nope' });
  assert.deepEqual([wrong.status, wrong.message], [400, INVALID_LOGIN]);
  assert.deepEqual([unknown.status, unknown.message], [400, INVALID_LOGIN]);
  assert.equal((await w.fail('update', 'login/dave', {})).status, 400);
  assert.equal(w.handler.loginAccount(buildRequest('update', 'login/Dave', { password: 'x' })), 'dave');
});

test('login: password change takes effect; policies path replaces policies', async () => {
  const w = createEngineWorld(createUserpassBackend);
  await w.call('create', 'users/frank', { password: 'old', token_policies: 'a' });
  await w.call('update', 'users/frank/password', { password: 'new' });
  assert.equal((await w.fail('update', 'login/frank', { password: 'old' })).status, 400);
  await w.call('update', 'users/frank/policies', { token_policies: 'b,c' });
  const res = await w.call('update', 'login/frank', { password: 'new' });
  assert.deepEqual(res?.auth?.policies, ['b', 'c', 'default']);
});

test('login: token_bound_cidrs is passed through and checked against the client address', async () => {
  const w = createEngineWorld(createUserpassBackend);
  await w.call('create', 'users/gina', { password: 'pw', token_bound_cidrs: '10.0.0.0/8' });
  const inside = await w.handler.handle({ ...buildRequest('update', 'login/gina', { password: 'pw' }), remoteAddress: '10.1.2.3' });
  assert.deepEqual(inside?.auth?.boundCidrs, ['10.0.0.0/8']);
  await assert.rejects(
    w.handler.handle({ ...buildRequest('update', 'login/gina', { password: 'pw' }), remoteAddress: '192.168.1.1' }),
    (e: unknown) => (e as { status?: number }).status === 403,
  );
});

test('renewal: goes on while the user keeps the token’s policies; refused once they change or the user is gone', async () => {
  const w = createEngineWorld(createUserpassBackend);
  await w.call('create', 'users/gina', { password: 'pw', token_policies: 'reader' });
  const login = renewalOf((await w.call('update', 'login/gina', { password: 'pw' }))?.auth, 'auth/userpass/login/gina');
  await renews(w.backend, login);
  // "default" is left out of the comparison, as in Vault.
  await w.call('update', 'users/gina/policies', { token_policies: 'reader,default' });
  await renews(w.backend, login);
  await w.call('update', 'users/gina/policies', { token_policies: 'reader,writer' });
  assert.equal(await renewRefusal(w.backend, login), POLICIES_CHANGED);
  await w.call('update', 'users/gina/policies', { token_policies: 'reader' });
  await renews(w.backend, login);
  await w.call('delete', 'users/gina');
  assert.equal(await renewRefusal(w.backend, login), 'user "gina" does not exist during renewal');
  assert.equal(await renewRefusal(w.backend, { ...login, metadata: {} }), 'failed to fetch username during renewal');
});
