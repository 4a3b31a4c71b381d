// HTTP end-to-end: a token's entity over the real server, as Vault has it.
// - Only a child token inherits its creator's entity (handleCreateCommon); an orphan made by
//   no_parent, auth/token/create-orphan or an orphan role has none.
// - A token whose entity was deleted (not merged) or is disabled cannot act: every request
//   is 403 {"errors":["permission denied"]} (CheckToken), its children's too, and on an
//   unauthenticated path it counts as no token. Re-enabling the entity restores its tokens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaClient } from '../../src/client/arca-client.js';
import { startTestServer } from './start-test-server.js';
import type { TestServer } from './start-test-server.js';

interface Auth { client_token: string; entity_id: string; orphan: boolean }

const authOf = (body: unknown): Auth => (body as { auth: Auth }).auth;
const dataOf = (body: unknown): Record<string, unknown> => (body as { data: Record<string, unknown> }).data;
const errorsOf = (body: unknown): string[] => (body as { errors: string[] }).errors;

const CREATOR = 'path "auth/token/create*" {\n  capabilities = ["create", "update", "sudo"]\n}\n';
const ENROL = 'path "identity/mfa/method/totp/generate" {\n  capabilities = ["update"]\n}\n';
const READER = 'path "secret/data/shared" {\n  capabilities = ["read"]\n}\n';
/** Something under secret/, so sys/internal/ui/mounts/secret describes the mount to the token. */
const PEEK = 'path "secret/metadata/peek" {\n  capabilities = ["list"]\n}\n';

/** Userpass accounts whose tokens may create tokens (with sudo), self-enrol TOTP and see secret/. */
async function world(): Promise<{ t: TestServer; login: (user: string) => Promise<Auth>; as: (token: string) => ArcaClient }> {
  const t = await startTestServer();
  const c = t.client;
  await c.write('sys/auth/userpass', { type: 'userpass' });
  await c.write('sys/policies/acl/creator', { policy: CREATOR });
  await c.write('sys/policies/acl/enrol', { policy: ENROL });
  await c.write('sys/policies/acl/reader', { policy: READER });
  await c.write('sys/policies/acl/peek', { policy: PEEK });
  await c.write('secret/data/shared', { data: { v: 1 } });
  for (const user of ['alice', 'bob']) {
    await c.write(`auth/userpass/users/${user}`, { password: `pw-${user}-123`, token_policies: ['default', 'creator', 'enrol', 'peek'] });
  }
  const anon = new ArcaClient({ address: t.server.address });
  const login = async (user: string): Promise<Auth> => {
    const res = await anon.raw('PUT', `auth/userpass/login/${user}`, { password: `pw-${user}-123` });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return authOf(res.body);
  };
  return { t, login, as: (token) => new ArcaClient({ address: t.server.address, token }) };
}

async function refused(client: ArcaClient, method: 'GET' | 'PUT', path: string, body?: Record<string, unknown>): Promise<void> {
  const res = await client.raw(method, path, body);
  assert.equal(res.status, 403, `${method} ${path}: ${JSON.stringify(res.body)}`);
  assert.deepEqual(errorsOf(res.body), ['permission denied'], path);
}

test('only a child inherits its creator\'s entity: create, no_parent, create-orphan, orphan and non-orphan roles', async () => {
  const { t, login, as } = await world();
  try {
    const alice = await login('alice');
    assert.match(alice.entity_id, /^[0-9a-f-]{36}$/);
    // The entity's own policy shows whether a token acts as the entity.
    await t.client.write(`identity/entity/id/${alice.entity_id}`, { policies: ['reader'] });
    await t.client.write('auth/token/roles/orph', { orphan: true });
    await t.client.write('auth/token/roles/kid', { orphan: false });
    const asAlice = as(alice.client_token);
    const created = async (path: string, body: Record<string, unknown> = {}): Promise<Auth> => {
      const res = await asAlice.raw('PUT', path, body);
      assert.equal(res.status, 200, `${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      return authOf(res.body);
    };
    const entityOf = async (token: string): Promise<unknown> => dataOf((await t.client.write('auth/token/lookup', { token })).body)['entity_id'];

    const cases: { name: string; auth: Auth; entity: string; orphan: boolean }[] = [
      { name: 'create', auth: await created('auth/token/create'), entity: alice.entity_id, orphan: false },
      { name: 'create no_parent=false', auth: await created('auth/token/create', { no_parent: false }), entity: alice.entity_id, orphan: false },
      { name: 'create no_parent=true', auth: await created('auth/token/create', { no_parent: true }), entity: '', orphan: true },
      { name: 'create-orphan', auth: await created('auth/token/create-orphan'), entity: '', orphan: true },
      { name: 'orphan role', auth: await created('auth/token/create/orph'), entity: '', orphan: true },
      // A role decides orphan status; no_parent is ignored there (Vault).
      { name: 'non-orphan role', auth: await created('auth/token/create/kid', { no_parent: true }), entity: alice.entity_id, orphan: false },
    ];
    for (const { name, auth, entity, orphan } of cases) {
      assert.equal(auth.entity_id, entity, name);
      assert.equal(auth.orphan, orphan, name);
      assert.equal(await entityOf(auth.client_token), entity, `${name}: lookup`);
      // Identity policies follow the entity: the children read, the orphans do not.
      assert.equal((await as(auth.client_token).raw('GET', 'secret/data/shared')).status, entity === '' ? 403 : 200, `${name}: acts as the entity`);
    }
    // A child of a child still carries the entity.
    const child = cases[0]?.auth.client_token ?? '';
    assert.equal(authOf((await as(child).write('auth/token/create', {})).body).entity_id, alice.entity_id);
    // A root-made token has no entity to inherit, orphan or not.
    assert.equal(authOf((await t.client.write('auth/token/create', {})).body).entity_id, '');
    assert.equal(authOf((await t.client.write('auth/token/create-orphan', {})).body).entity_id, '');
  } finally {
    await t.close();
  }
});

test('a token of a deleted entity is refused everywhere (403 permission denied), its children too; a new login gets a new entity', async () => {
  const { t, login, as } = await world();
  try {
    const alice = await login('alice');
    const asAlice = as(alice.client_token);
    const method = dataOf((await t.client.write('identity/mfa/method/totp', { issuer: 'Arca', period: 30 })).body)['method_id'] as string;
    const child = authOf((await asAlice.write('auth/token/create', {})).body);
    const orphan = authOf((await asAlice.write('auth/token/create-orphan', {})).body);
    assert.equal((await asAlice.raw('GET', 'auth/token/lookup-self')).status, 200);
    assert.equal((await asAlice.raw('GET', 'sys/internal/ui/mounts/secret')).status, 200);
    assert.equal((await t.client.raw('DELETE', `identity/entity/id/${alice.entity_id}`)).status, 204);

    await refused(asAlice, 'GET', 'auth/token/lookup-self');
    await refused(asAlice, 'PUT', 'auth/token/create', {});
    await refused(asAlice, 'PUT', 'auth/token/renew-self', {});
    // Self-enrolment under the dead entity id is refused before the handler runs.
    await refused(asAlice, 'PUT', 'identity/mfa/method/totp/generate', { method_id: method });
    await refused(as(child.client_token), 'GET', 'auth/token/lookup-self');
    // On an unauthenticated path the token is no token: the mount is not described to it.
    await refused(asAlice, 'GET', 'sys/internal/ui/mounts/secret');
    // The token itself is not revoked: an operator still sees it with the entity id it had.
    const looked = await t.client.write('auth/token/lookup', { token: alice.client_token });
    assert.equal(looked.status, 200);
    assert.equal(dataOf(looked.body)['entity_id'], alice.entity_id);
    // An orphan made before the deletion never had the entity and keeps working.
    assert.equal((await as(orphan.client_token).raw('GET', 'auth/token/lookup-self')).status, 200);

    // The alias went with the entity: the next login makes a new entity, whose token acts.
    const again = await login('alice');
    assert.notEqual(again.entity_id, alice.entity_id);
    assert.equal((await as(again.client_token).raw('GET', 'auth/token/lookup-self')).status, 200);
    const enrolled = await as(again.client_token).raw('PUT', 'identity/mfa/method/totp/generate', { method_id: method });
    assert.equal(enrolled.status, 200, JSON.stringify(enrolled.body));
    assert.match(decodeURIComponent(new URL(dataOf(enrolled.body)['url'] as string).pathname), new RegExp(`${again.entity_id}$`));
    await refused(asAlice, 'GET', 'auth/token/lookup-self');
  } finally {
    await t.close();
  }
});

test('a token of a disabled entity is refused until the entity is enabled again; other entities are unaffected', async () => {
  const { t, login, as } = await world();
  try {
    const alice = await login('alice');
    const bob = await login('bob');
    const asAlice = as(alice.client_token);
    const child = authOf((await asAlice.write('auth/token/create', {})).body);
    const method = dataOf((await t.client.write('identity/mfa/method/totp', { issuer: 'Arca', period: 30 })).body)['method_id'] as string;

    assert.equal((await asAlice.raw('GET', 'sys/internal/ui/mounts/secret')).status, 200);
    await t.client.write(`identity/entity/id/${alice.entity_id}`, { disabled: true });
    assert.equal(dataOf((await t.client.read(`identity/entity/id/${alice.entity_id}`)).body)['disabled'], true);
    await refused(asAlice, 'GET', 'auth/token/lookup-self');
    await refused(asAlice, 'PUT', 'identity/mfa/method/totp/generate', { method_id: method });
    await refused(as(child.client_token), 'GET', 'auth/token/lookup-self');
    await refused(asAlice, 'GET', 'sys/internal/ui/mounts/secret');
    assert.equal((await as(bob.client_token).raw('GET', 'auth/token/lookup-self')).status, 200);

    await t.client.write(`identity/entity/id/${alice.entity_id}`, { disabled: false });
    assert.equal((await asAlice.raw('GET', 'auth/token/lookup-self')).status, 200);
    assert.equal((await as(child.client_token).raw('GET', 'auth/token/lookup-self')).status, 200);
    assert.equal((await asAlice.raw('GET', 'sys/internal/ui/mounts/secret')).status, 200);
    const enrolled = await asAlice.raw('PUT', 'identity/mfa/method/totp/generate', { method_id: method });
    assert.equal(enrolled.status, 200, JSON.stringify(enrolled.body));
  } finally {
    await t.close();
  }
});
