// HTTP end-to-end: entity_alias on auth/token/create/:role_name — the token is bound to the
// entity of an alias on the token mount (found or created), as Vault's handleCreateCommon
// does; happy, error and security cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaClient } from '../../src/client/arca-client.js';
import { startTestServer } from './start-test-server.js';
import type { TestServer } from './start-test-server.js';

interface Auth { client_token: string; entity_id: string; policies: string[] }
interface Alias { name: string; mount_accessor: string; mount_type: string }

const authOf = (body: unknown): Auth => (body as { auth: Auth }).auth;
const dataOf = (body: unknown): Record<string, unknown> => (body as { data: Record<string, unknown> }).data;
const errorsOf = (body: unknown): string[] => (body as { errors: string[] }).errors;

async function tokenAccessor(t: TestServer): Promise<string> {
  const mounts = dataOf((await t.client.read('sys/auth')).body) as Record<string, { accessor: string }>;
  const accessor = mounts['token/']?.accessor;
  assert.ok(accessor !== undefined && accessor !== '');
  return accessor;
}

async function aliasesOf(t: TestServer, entityId: string): Promise<Alias[]> {
  return dataOf((await t.client.read(`identity/entity/id/${entityId}`)).body)['aliases'] as Alias[];
}

async function lookupEntity(t: TestServer, token: string): Promise<unknown> {
  return dataOf((await t.client.write('auth/token/lookup', { token })).body)['entity_id'];
}

test('entity_alias: a matching alias binds the token to an entity on the token mount, reused on the next create', async () => {
  const t = await startTestServer();
  try {
    const accessor = await tokenAccessor(t);
    await t.client.write('auth/token/roles/svc', { allowed_policies: ['default'], allowed_entity_aliases: ['svc-*', 'Exact-One'] });

    const first = authOf((await t.client.write('auth/token/create/svc', { entity_alias: 'svc-a' })).body);
    assert.match(first.entity_id, /^[0-9a-f-]{36}$/);
    assert.equal(await lookupEntity(t, first.client_token), first.entity_id);
    const aliases = await aliasesOf(t, first.entity_id);
    assert.equal(aliases.length, 1);
    assert.equal(aliases[0]?.name, 'svc-a');
    assert.equal(aliases[0]?.mount_accessor, accessor);
    assert.equal(aliases[0]?.mount_type, 'token');

    // The same alias again: the same entity, no new alias.
    const second = authOf((await t.client.write('auth/token/create/svc', { entity_alias: 'svc-a' })).body);
    assert.equal(second.entity_id, first.entity_id);
    assert.equal(await lookupEntity(t, second.client_token), first.entity_id);
    assert.equal((await aliasesOf(t, first.entity_id)).length, 1);

    // Matching is case-insensitive (globs and exact names); the alias keeps the case it was sent with.
    const upper = authOf((await t.client.write('auth/token/create/svc', { entity_alias: 'SVC-B' })).body);
    assert.notEqual(upper.entity_id, first.entity_id);
    assert.equal((await aliasesOf(t, upper.entity_id))[0]?.name, 'SVC-B');
    const exact = authOf((await t.client.write('auth/token/create/svc', { entity_alias: 'exact-one' })).body);
    assert.notEqual(exact.entity_id, '');

    // An alias made through identity/entity-alias on the token mount is found, not duplicated.
    const owner = dataOf((await t.client.write('identity/entity', { name: 'pre-made' })).body)['id'] as string;
    await t.client.write('identity/entity-alias', { name: 'svc-pre', canonical_id: owner, mount_accessor: accessor });
    assert.equal(authOf((await t.client.write('auth/token/create/svc', { entity_alias: 'svc-pre' })).body).entity_id, owner);

    // Without entity_alias (or with an empty one) a root-made token has no entity.
    assert.equal(authOf((await t.client.write('auth/token/create/svc', {})).body).entity_id, '');
    assert.equal(authOf((await t.client.write('auth/token/create/svc', { entity_alias: '' })).body).entity_id, '');
  } finally {
    await t.close();
  }
});

test('entity_alias: the entity\'s identity policies apply to the token', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('sys/policies/acl/reader', { policy: 'path "sys/policies/acl/reader" {\n  capabilities = ["read"]\n}\n' });
    await t.client.write('auth/token/roles/svc', { allowed_policies: ['default'], allowed_entity_aliases: ['svc-*'] });
    const bound = authOf((await t.client.write('auth/token/create/svc', { entity_alias: 'svc-a' })).body);
    await t.client.write(`identity/entity/id/${bound.entity_id}`, { policies: ['reader'] });

    assert.deepEqual(bound.policies, ['default']);
    const asBound = new ArcaClient({ address: t.server.address, token: bound.client_token });
    assert.equal((await asBound.raw('GET', 'sys/policies/acl/reader')).status, 200);
    assert.deepEqual(dataOf((await t.client.write('auth/token/lookup', { token: bound.client_token })).body)['identity_policies'], ['reader']);

    const unbound = authOf((await t.client.write('auth/token/create/svc', {})).body);
    const asUnbound = new ArcaClient({ address: t.server.address, token: unbound.client_token });
    assert.equal((await asUnbound.raw('GET', 'sys/policies/acl/reader')).status, 403);
  } finally {
    await t.close();
  }
});

test('entity_alias errors: unlisted alias, no role, disabled entity — Vault\'s status and text, nothing created', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('auth/token/roles/svc', { allowed_policies: ['default'], allowed_entity_aliases: ['svc-*'] });
    await t.client.write('auth/token/roles/plain', { allowed_policies: ['default'] });

    for (const [path, alias] of [['auth/token/create/svc', 'db-a'], ['auth/token/create/svc', 'xsvc-a'], ['auth/token/create/plain', 'svc-a']] as const) {
      const refused = await t.client.raw('PUT', path, { entity_alias: alias });
      assert.equal(refused.status, 400, `${path} ${alias}`);
      assert.deepEqual(errorsOf(refused.body), ["invalid 'entity_alias' value"]);
    }
    for (const path of ['auth/token/create', 'auth/token/create-orphan']) {
      const refused = await t.client.raw('PUT', path, { entity_alias: 'svc-a' });
      assert.equal(refused.status, 400, path);
      assert.deepEqual(errorsOf(refused.body), ["'entity_alias' is only allowed in combination with token role"]);
    }
    // None of the refusals made an entity.
    assert.equal((await t.client.raw('LIST', 'identity/entity/id')).status, 404);

    const bound = authOf((await t.client.write('auth/token/create/svc', { entity_alias: 'svc-a' })).body);
    await t.client.write(`identity/entity/id/${bound.entity_id}`, { disabled: true });
    const disabled = await t.client.raw('PUT', 'auth/token/create/svc', { entity_alias: 'svc-a' });
    assert.equal(disabled.status, 403);
    assert.deepEqual(errorsOf(disabled.body), ['entity from given entity alias is disabled']);
  } finally {
    await t.close();
  }
});

test('security: entity_alias cannot reach an alias of another auth mount with the same name', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('sys/auth/userpass', { type: 'userpass' });
    await t.client.write('auth/userpass/users/svc-a', { password: 'pw-123456', token_policies: ['default'] });
    const login = authOf((await t.client.write('auth/userpass/login/svc-a', { password: 'pw-123456' })).body);
    assert.notEqual(login.entity_id, '');

    await t.client.write('auth/token/roles/svc', { allowed_policies: ['default'], allowed_entity_aliases: ['svc-*'] });
    const bound = authOf((await t.client.write('auth/token/create/svc', { entity_alias: 'svc-a' })).body);
    assert.notEqual(bound.entity_id, login.entity_id);
    assert.equal((await aliasesOf(t, bound.entity_id))[0]?.mount_type, 'token');
  } finally {
    await t.close();
  }
});
