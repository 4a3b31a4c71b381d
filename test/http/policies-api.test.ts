// HTTP: sys/policies/acl and the legacy sys/policy routes against Vault's answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaClient } from '../../src/client/arca-client.js';
import { startTestServer } from './start-test-server.js';
import type { TestServer } from './start-test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const NOT_SUPPLIED = { errors: ["'policy' parameter not supplied or empty"] };

test('an empty policy text is refused (400) on both routes and nothing is stored', async () => {
  for (const [path, body] of [
    ['sys/policies/acl/empty1', { policy: '' }],
    ['sys/policies/acl/empty1', {}],
    ['sys/policy/empty1', { rules: '' }],
    ['sys/policy/empty1', { policy: '', rules: '' }],
  ] as const) {
    const res = await t.client.raw('PUT', path, body);
    assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
    assert.deepEqual(res.body, NOT_SUPPLIED);
  }
  assert.equal((await t.client.raw('GET', 'sys/policies/acl/empty1')).status, 404);
  // The legacy route falls back to `rules` when `policy` is empty.
  const legacy = await t.client.raw('PUT', 'sys/policy/Legacy1', { policy: '', rules: 'path "a/*" { capabilities = ["read"] }' });
  assert.equal(legacy.status, 204);
  const read = await t.client.raw('GET', 'sys/policies/acl/legacy1');
  assert.equal((read.body as { data: { name: string } }).data.name, 'legacy1');
});

test('sys/capabilities and -accessor count the token\'s identity policies, as Vault\'s Core.Capabilities', async () => {
  const c = t.client;
  await c.write('sys/auth/userpass', { type: 'userpass' });
  await c.write('sys/policies/acl/own-read', { policy: 'path "secret/data/own" { capabilities = ["read"] }' });
  await c.write('sys/policies/acl/team-write', { policy: 'path "secret/data/team/{{identity.entity.name}}" { capabilities = ["update"] }' });
  await c.write('auth/userpass/users/carol', { password: 'pw-carol-123', token_policies: ['own-read'] });
  const login = await new ArcaClient({ address: t.server.address }).raw('PUT', 'auth/userpass/login/carol', { password: 'pw-carol-123' });
  const auth = (login.body as { auth: { client_token: string; accessor: string; entity_id: string } }).auth;
  await c.write(`identity/entity/id/${auth.entity_id}`, { policies: ['team-write'] });
  const name = ((await c.read(`identity/entity/id/${auth.entity_id}`)).body as { data: { name: string } }).data.name;
  const paths = ['secret/data/own', `secret/data/team/${name}`];
  const expected = { 'secret/data/own': ['read'], [`secret/data/team/${name}`]: ['update'] };

  const byToken = await c.write('sys/capabilities', { token: auth.client_token, paths });
  assert.deepEqual((byToken.body as { data: unknown }).data, expected);
  const byAccessor = await c.write('sys/capabilities-accessor', { accessor: auth.accessor, paths });
  assert.deepEqual((byAccessor.body as { data: unknown }).data, expected);
  await c.write('sys/policies/acl/caps-self', { policy: 'path "sys/capabilities-self" { capabilities = ["update"] }' });
  await c.write(`identity/entity/id/${auth.entity_id}`, { policies: ['team-write', 'caps-self'] });
  const self = await new ArcaClient({ address: t.server.address, token: auth.client_token }).write('sys/capabilities-self', { paths });
  assert.deepEqual((self.body as { data: unknown }).data, expected);
});
