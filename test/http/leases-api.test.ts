// HTTP: sys/leases/* with a lease from a real mount. Arca ships no dynamic-secrets engine
// yet, so the test registers a minimal one (its `creds` read issues a renewable lease) the
// way a plugin would, and checks what Vault clients read: the renew answer's lease fields
// sit in the envelope (Go api.Secret, hvac, node-vault read lease_duration there).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaClient } from '../../src/client/arca-client.js';
import { definePath } from '../../src/framework/path-spec.js';
import { startTestServer } from './start-test-server.js';
import type { TestServer } from './start-test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
  t.server.core.deps.registry.register({
    id: 'test.leasing',
    type: 'leasing-test',
    table: 'mounts',
    factory: () => ({
      id: 'test.leasing',
      type: 'leasing-test',
      kind: 'secret',
      paths: [
        definePath({
          pattern: 'creds',
          fields: {},
          operations: {
            read: async () => ({ data: { username: 'u1' }, secret: { type: 'creds', ttl: 600, maxTtl: 3600, renewable: true, internal: {} } }),
          },
        }),
      ],
      secretTypes: { creds: { renew: async () => undefined, revoke: async () => undefined } },
    }),
  });
  await t.client.write('sys/mounts/leasing', { type: 'leasing-test' });
});
after(() => t.close());

interface Envelope {
  lease_id: string;
  renewable: boolean;
  lease_duration: number;
  data: Record<string, unknown> | null;
  warnings: string[] | null;
}

test('sys/leases/renew (and legacy sys/renew) answer the lease in the envelope, as Vault', async () => {
  const issued = (await t.client.raw('GET', 'leasing/creds')).body as Envelope;
  assert.match(issued.lease_id, /^leasing\/creds\/.+/);
  assert.equal(issued.lease_duration, 600);

  const res = await t.client.raw('PUT', 'sys/leases/renew', { lease_id: issued.lease_id, increment: 1200 });
  assert.equal(res.status, 200);
  const renewed = res.body as Envelope;
  assert.equal(renewed.lease_id, issued.lease_id);
  assert.equal(renewed.renewable, true);
  assert.equal(renewed.lease_duration, 1200);

  const legacy = (await t.client.raw('PUT', `sys/renew/${issued.lease_id}`, { increment: 300 })).body as Envelope;
  assert.equal(legacy.lease_id, issued.lease_id);
  assert.equal(legacy.lease_duration, 300);

  const lookup = (await t.client.raw('PUT', 'sys/leases/lookup', { lease_id: issued.lease_id })).body as Envelope;
  assert.equal(lookup.data?.['id'], issued.lease_id);
  assert.equal(lookup.data?.['renewable'], true);
  assert.equal(typeof lookup.data?.['ttl'], 'number');

  assert.equal((await t.client.raw('PUT', 'sys/leases/revoke', { lease_id: issued.lease_id })).status, 204);
  const gone = await t.client.raw('PUT', 'sys/leases/renew', { lease_id: issued.lease_id });
  assert.equal(gone.status, 400);
  assert.deepEqual(gone.body, { errors: ['lease not found or lease is not renewable'] });
});

test('listing lease ids needs sudo (Vault root path leases/lookup/*); looking one up does not', async () => {
  const issued = (await t.client.raw('GET', 'leasing/creds')).body as Envelope;
  await t.client.write('sys/policies/acl/lease-reader', {
    policy: 'path "sys/leases/*" { capabilities = ["read", "update", "list"] }',
  });
  // Without `default`, whose exact sys/leases/lookup rule would already refuse the LIST
  // (Vault uses an exact rule on the path without its trailing slash for a LIST).
  const created = await t.client.write('auth/token/create', { policies: ['lease-reader'], no_default_policy: true });
  const token = (created.body as { auth: { client_token: string } }).auth.client_token;
  const reader = new ArcaClient({ address: t.server.address, token });
  const as = (method: 'LIST' | 'PUT', path: string, body?: unknown) => reader.raw(method, path, body);

  assert.equal((await as('LIST', 'sys/leases/lookup/')).status, 403);
  assert.equal((await as('LIST', 'sys/leases/lookup/leasing/creds/')).status, 403);
  const one = await as('PUT', 'sys/leases/lookup', { lease_id: issued.lease_id });
  assert.equal(one.status, 200);
  // Root lists both levels.
  assert.deepEqual(((await t.client.raw('LIST', 'sys/leases/lookup/')).body as { data: { keys: string[] } }).data.keys, ['leasing/']);
  assert.equal((await t.client.raw('LIST', 'sys/leases/lookup/leasing/creds/')).status, 200);
});

test('sys/leases/revoke-prefix under auth/ revokes the tokens created there, as Vault (tokens are leases)', async () => {
  const c = t.client;
  await c.write('sys/auth/userpass', { type: 'userpass' });
  await c.write('auth/userpass/users/erin', { password: 'pw-erin-123', token_policies: ['default'] });
  const anon = new ArcaClient({ address: t.server.address });
  const login = async (): Promise<string> =>
    ((await anon.raw('PUT', 'auth/userpass/login/erin', { password: 'pw-erin-123' })).body as { auth: { client_token: string } }).auth.client_token;
  const created = async (path: string): Promise<string> =>
    ((await c.write(path, { policies: ['default'] })).body as { auth: { client_token: string } }).auth.client_token;
  const alive = async (token: string): Promise<boolean> =>
    (await new ArcaClient({ address: t.server.address, token }).raw('GET', 'auth/token/lookup-self')).status === 200;

  const first = await login();
  const viaCreate = await created('auth/token/create');
  const orphan = await created('auth/token/create-orphan');
  assert.equal((await c.raw('PUT', 'sys/leases/revoke-prefix/auth/userpass/login/er')).status, 204);
  assert.equal(await alive(first), true, 'a partial segment is no prefix (Vault adds the trailing slash)');
  assert.equal((await c.raw('PUT', 'sys/leases/revoke-prefix/auth/userpass/')).status, 204);
  assert.equal(await alive(first), false);
  assert.equal(await alive(viaCreate), true);

  const second = await login();
  assert.equal((await c.raw('PUT', 'sys/revoke-prefix/auth/token/create')).status, 204);
  assert.equal(await alive(viaCreate), false);
  assert.equal(await alive(orphan), true, 'auth/token/create-orphan is another path');
  assert.equal(await alive(second), true);
  // The root token never expires: it has no lease to revoke.
  assert.equal((await c.raw('PUT', 'sys/leases/revoke-prefix/auth/token/')).status, 204);
  assert.equal((await c.raw('GET', 'auth/token/lookup-self')).status, 200);
  assert.equal(await alive(orphan), false);
});

test('revoke-prefix ends at a segment boundary, or names one lease (Vault\'s RevokePrefix)', async () => {
  const lease = async (): Promise<string> => ((await t.client.raw('GET', 'leasing/creds')).body as Envelope).lease_id;
  const exists = async (id: string): Promise<boolean> => (await t.client.raw('PUT', 'sys/leases/lookup', { lease_id: id })).status === 200;
  const a = await lease();
  const b = await lease();
  assert.equal((await t.client.raw('PUT', 'sys/leases/revoke-prefix/leasing/cre')).status, 204);
  assert.equal(await exists(a), true, 'leasing/cre is not a prefix of leasing/creds/');
  assert.equal((await t.client.raw('PUT', `sys/leases/revoke-prefix/${a}`)).status, 204);
  assert.equal(await exists(a), false);
  assert.equal(await exists(b), true, 'a lease id as prefix revokes only that lease');
  assert.equal((await t.client.raw('PUT', 'sys/leases/revoke-prefix/leasing/creds')).status, 204);
  assert.equal(await exists(b), false);
});

test('sys/leases/tidy starts in the background and answers 202 with a warning only, as Vault', async () => {
  const res = await t.client.raw('POST', 'sys/leases/tidy');
  assert.equal(res.status, 202);
  const body = res.body as Envelope;
  assert.equal(body.data, null);
  assert.match(body.warnings?.[0] ?? '', /^Tidy operation successfully started\. Any information from the operation will be printed to .* server logs\.$/);
  // The run it started (or a new one) completes; a second request meanwhile is accepted too.
  assert.equal((await t.client.raw('PUT', 'sys/leases/tidy')).status, 202);
  await t.server.core.leases.startTidy();
});
