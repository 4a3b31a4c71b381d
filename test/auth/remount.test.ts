// HTTP end-to-end: sys/remount. Moving an auth method revokes every token its logins minted
// (with their children), as Vault's remountCredential does; its users move with it. Moving a
// secrets engine keeps its data. A move that would be refused revokes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaClient } from '../../src/client/arca-client.js';
import { startTestServer } from '../http/start-test-server.js';
import type { TestServer } from '../http/start-test-server.js';

interface AuthBody {
  auth: { client_token: string; accessor: string };
}

async function login(t: TestServer, path: string, body: Record<string, unknown>): Promise<ArcaClient> {
  const res = await new ArcaClient({ address: t.server.address }).raw('POST', path, body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return new ArcaClient({ address: t.server.address, token: (res.body as AuthBody).auth.client_token });
}

async function lookupStatus(c: ArcaClient): Promise<number> {
  return (await c.raw('GET', 'auth/token/lookup-self')).status;
}

test('moving userpass revokes its tokens and their children; its users log in at the new path', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('sys/policy/creator', { policy: 'path "auth/token/create" { capabilities = ["update"] }' });
    await t.client.write('sys/auth/a', { type: 'userpass' });
    await t.client.write('sys/auth/other', { type: 'userpass' });
    await t.client.write('auth/a/users/alice', { password: 'pw', token_policies: 'creator' });
    await t.client.write('auth/other/users/bob', { password: 'pw' });
    const alice = await login(t, 'auth/a/login/alice', { password: 'pw' });
    const created = await alice.raw('POST', 'auth/token/create', { policies: 'default', ttl: '10m' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const child = new ArcaClient({ address: t.server.address, token: (created.body as AuthBody).auth.client_token });
    const bob = await login(t, 'auth/other/login/bob', { password: 'pw' });
    for (const c of [alice, child, bob]) assert.equal(await lookupStatus(c), 200);

    const moved = await t.client.raw('POST', 'sys/remount', { from: 'auth/a', to: 'auth/b' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(typeof (moved.body as { data: { migration_id: string } }).data.migration_id, 'string');

    for (const c of [alice, child]) assert.equal(await lookupStatus(c), 403);
    assert.equal((await alice.raw('GET', 'secret/data/x')).status, 403);
    for (const c of [bob, t.client]) assert.equal(await lookupStatus(c), 200);
    const mounts = (await t.client.read('sys/auth')).body as { data: Record<string, unknown> };
    assert.ok(mounts.data['b/'] && !mounts.data['a/']);
    // The users moved with the mount; a login at the new path mints a working token.
    const again = await login(t, 'auth/b/login/alice', { password: 'pw' });
    assert.equal(await lookupStatus(again), 200);
    assert.notEqual((await new ArcaClient({ address: t.server.address }).raw('POST', 'auth/a/login/alice', { password: 'pw' })).status, 200);
  } finally {
    await t.close();
  }
});

test('a refused move revokes nothing', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('sys/auth/a', { type: 'userpass' });
    await t.client.write('sys/auth/taken', { type: 'userpass' });
    await t.client.write('auth/a/users/alice', { password: 'pw' });
    const alice = await login(t, 'auth/a/login/alice', { password: 'pw' });
    for (const to of ['auth/taken', 'auth/taken/below', 'auth/a', 'auth/bad path', 'auth/token']) {
      const res = await t.client.raw('POST', 'sys/remount', { from: 'auth/a', to });
      assert.equal(res.status, 400, `${to}: ${JSON.stringify(res.body)}`);
    }
    assert.equal((await t.client.raw('POST', 'sys/remount', { from: 'auth/missing', to: 'auth/c' })).status, 400);
    assert.equal((await t.client.raw('POST', 'sys/remount', { from: 'auth/a', to: 'c' })).status, 400);
    assert.equal(await lookupStatus(alice), 200);
    // Secrets engines may not move under reserved prefixes either.
    await t.client.write('sys/mounts/kv1', { type: 'kv', options: { version: '2' } });
    for (const to of ['sys/kv1', 'cubbyhole/x', 'secret']) {
      assert.equal((await t.client.raw('POST', 'sys/remount', { from: 'kv1', to })).status, 400, to);
    }
  } finally {
    await t.close();
  }
});

test('moving a KV engine keeps its data under the new path', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('sys/mounts/kv1', { type: 'kv', options: { version: '2' } });
    await t.client.write('kv1/data/app/db', { data: { password: 's3cret' } });
    await t.client.write('kv1/data/app/db', { data: { password: 's3cret-2' } });
    const moved = await t.client.raw('POST', 'sys/remount', { from: 'kv1', to: 'team/kv2' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const read = await t.client.raw('GET', 'team/kv2/data/app/db');
    assert.equal(read.status, 200, JSON.stringify(read.body));
    const body = read.body as { data: { data: { password: string }; metadata: { version: number } } };
    assert.equal(body.data.data.password, 's3cret-2');
    assert.equal(body.data.metadata.version, 2);
    const old = await t.client.raw('GET', 'team/kv2/data/app/db?version=1');
    assert.equal((old.body as { data: { data: { password: string } } }).data.data.password, 's3cret');
    assert.notEqual((await t.client.raw('GET', 'kv1/data/app/db')).status, 200);
  } finally {
    await t.close();
  }
});
