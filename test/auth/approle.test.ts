// HTTP end-to-end: the approle auth method enabled through sys/auth; a role, a secret-id,
// a login over HTTP with a plain client and the token used on a KV path its policy allows;
// used-up and expired secret-ids (the server runs on a FakeClock); racing logins on a
// limited secret-id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaClient } from '../../src/client/arca-client.js';
import { FakeClock } from '../../src/lib/clock.js';
import type { RunningServer } from '../../src/main/start-server.js';
import { skipUnlessService } from '../support/services.js';
import { startPostgresNodes } from '../support/postgres-nodes.js';
import { startTestServer } from '../http/start-test-server.js';

interface LoginBody {
  auth: { client_token: string; policies: string[]; metadata: Record<string, string> };
}
interface SecretIdBody {
  data: { secret_id: string; secret_id_accessor: string; secret_id_ttl: number; secret_id_num_uses: number };
}

test('approle: enable, create a role, issue a secret-id, log in, use the token within its policy', async () => {
  const t = await startTestServer();
  try {
    assert.equal((await t.client.raw('POST', 'sys/auth/approle', { type: 'approle' })).status, 204);
    await t.client.write('sys/policies/acl/app-read', { policy: 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}\n' });
    await t.client.write('secret/data/app/one', { data: { v: '1' } });
    await t.client.write('secret/data/other', { data: { v: '2' } });
    assert.equal((await t.client.raw('POST', 'auth/approle/role/ci', { token_policies: 'app-read', secret_id_num_uses: 10 })).status, 204);
    const roleId = ((await t.client.read('auth/approle/role/ci/role-id')).body as { data: { role_id: string } }).data.role_id;
    const issued = await t.client.raw('POST', 'auth/approle/role/ci/secret-id', { metadata: '{"job":"build"}' });
    assert.equal(issued.status, 200);
    const sid = (issued.body as SecretIdBody).data;
    assert.equal(sid.secret_id_num_uses, 10);
    const listed = await t.client.raw('LIST', 'auth/approle/role/ci/secret-id');
    assert.deepEqual((listed.body as { data: { keys: string[] } }).data.keys, [sid.secret_id_accessor]);

    const anon = new ArcaClient({ address: t.server.address });
    const login = await anon.raw('POST', 'auth/approle/login', { role_id: roleId, secret_id: sid.secret_id });
    assert.equal(login.status, 200);
    const auth = (login.body as LoginBody).auth;
    assert.deepEqual(auth.policies, ['app-read', 'default']);
    assert.deepEqual(auth.metadata, { job: 'build', role_name: 'ci' });
    const app = new ArcaClient({ address: t.server.address, token: auth.client_token });
    assert.equal((await app.raw('GET', 'secret/data/app/one')).status, 200);
    assert.equal((await app.raw('GET', 'secret/data/other')).status, 403);
    assert.equal((await app.raw('POST', 'auth/approle/role/ci/secret-id', {})).status, 403);

    const bad = [{ role_id: roleId, secret_id: 'not-it' }, { role_id: 'not-it', secret_id: sid.secret_id }];
    for (const body of bad) {
      const res = await anon.raw('POST', 'auth/approle/login', body);
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { errors: ['invalid role or secret ID'] });
    }
  } finally {
    await t.close();
  }
});

test('approle: a used-up secret-id stops working; racing logins get exactly num_uses tokens', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('sys/auth/approle', { type: 'approle' });
    await t.client.write('auth/approle/role/r', {});
    const roleId = ((await t.client.read('auth/approle/role/r/role-id')).body as { data: { role_id: string } }).data.role_id;
    const anon = new ArcaClient({ address: t.server.address });

    const once = ((await t.client.write('auth/approle/role/r/secret-id', { num_uses: 1 })).body as SecretIdBody).data;
    assert.equal((await anon.raw('POST', 'auth/approle/login', { role_id: roleId, secret_id: once.secret_id })).status, 200);
    const again = await anon.raw('POST', 'auth/approle/login', { role_id: roleId, secret_id: once.secret_id });
    assert.deepEqual([again.status, again.body], [400, { errors: ['invalid role or secret ID'] }]);

    const three = ((await t.client.write('auth/approle/role/r/secret-id', { num_uses: 3 })).body as SecretIdBody).data;
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => (await anon.raw('POST', 'auth/approle/login', { role_id: roleId, secret_id: three.secret_id })).status),
    );
    assert.equal(statuses.filter((s) => s === 200).length, 3);
    // The others are refused: 400, or 429 once the core's login throttle for this role_id kicks in.
    assert.equal(statuses.filter((s) => s === 400 || s === 429).length, 7, JSON.stringify(statuses));
  } finally {
    await t.close();
  }
});

test('approle: an expired secret-id is refused once the server clock passes its TTL', async () => {
  const clock = new FakeClock(Date.now());
  const t = await startTestServer({ dev: true, clock });
  try {
    await t.client.write('sys/auth/approle', { type: 'approle' });
    await t.client.write('auth/approle/role/short', { secret_id_ttl: '10m' });
    const roleId = ((await t.client.read('auth/approle/role/short/role-id')).body as { data: { role_id: string } }).data.role_id;
    const sid = ((await t.client.write('auth/approle/role/short/secret-id', {})).body as SecretIdBody).data;
    assert.equal(sid.secret_id_ttl, 600);
    const anon = new ArcaClient({ address: t.server.address });
    const login = (): Promise<{ status: number; body: unknown }> => anon.raw('POST', 'auth/approle/login', { role_id: roleId, secret_id: sid.secret_id });
    clock.advance(599_000);
    assert.equal((await login()).status, 200);
    clock.advance(1_000);
    const res = await login();
    assert.deepEqual([res.status, res.body], [400, { errors: ['invalid role or secret ID'] }]);
  } finally {
    await t.close();
  }
});

test('approle: two nodes on one PostgreSQL spend a limited secret-id exactly num_uses times', { skip: await skipUnlessService('PostgreSQL', 5432) }, async () => {
  const cluster = await startPostgresNodes(2);
  const [a, b] = cluster.nodes as [RunningServer, RunningServer];
  try {
    const root = new ArcaClient({ address: a.address, token: a.rootToken });
    await root.write('sys/auth/approle', { type: 'approle' });
    await root.write('auth/approle/role/r', {});
    const roleId = ((await root.read('auth/approle/role/r/role-id')).body as { data: { role_id: string } }).data.role_id;
    const sid = ((await root.write('auth/approle/role/r/secret-id', { num_uses: 4 })).body as SecretIdBody).data;
    const clients = [new ArcaClient({ address: a.address }), new ArcaClient({ address: b.address })];
    const statuses = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const client = clients[i % 2] as ArcaClient;
        return (await client.raw('POST', 'auth/approle/login', { role_id: roleId, secret_id: sid.secret_id })).status;
      }),
    );
    assert.equal(statuses.filter((s) => s === 200).length, 4, JSON.stringify(statuses));
    assert.equal(statuses.filter((s) => s === 400 || s === 429).length, 8, JSON.stringify(statuses));
  } finally {
    await cluster.close();
  }
});
