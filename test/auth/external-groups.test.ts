// HTTP end-to-end: identity external groups over the real server. A jwt login whose
// groups_claim lists "admins" joins the external group aliased to "admins" on that mount and
// gets its policy (and its internal parent's); a later login listing no groups takes it
// away, for that login's token and for tokens issued before. Then entity merge: a token of
// the merged entity resolves to the entity it was merged into.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { ArcaClient } from '../../src/client/arca-client.js';
import { startTestServer } from '../http/start-test-server.js';

interface LoginBody {
  auth: { client_token: string; policies: string[]; identity_policies?: string[]; entity_id: string; metadata: Record<string, string> };
}

type Data = Record<string, unknown>;
const dataOf = (body: unknown): Data => (body as { data?: Data } | undefined)?.data ?? {};

test('external groups: a jwt login with groups ["admins"] gets the group policy; a login with [] loses it', async () => {
  const t = await startTestServer();
  try {
    assert.equal((await t.client.raw('POST', 'sys/auth/jwt', { type: 'jwt' })).status, 204);
    const accessor = (dataOf((await t.client.raw('GET', 'sys/auth')).body)['jwt/'] as { accessor: string }).accessor;
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    await t.client.write('auth/jwt/config', { jwt_validation_pubkeys: [await exportSPKI(publicKey)], jwt_supported_algs: 'ES256', bound_issuer: 'https://idp.example' });
    await t.client.write('auth/jwt/role/people', { role_type: 'jwt', user_claim: 'sub', groups_claim: 'groups', bound_audiences: 'arca', token_policies: 'default' });
    await t.client.write('sys/policies/acl/admin', { policy: 'path "secret/data/admin/*" {\n  capabilities = ["read"]\n}\n' });
    await t.client.write('sys/policies/acl/audit-read', { policy: 'path "secret/data/audit/*" {\n  capabilities = ["read"]\n}\n' });
    await t.client.write('secret/data/admin/db', { data: { v: '1' } });
    await t.client.write('secret/data/audit/log', { data: { v: '1' } });

    // The external group, its alias on auth/jwt/, and an internal group containing it.
    const admins = await t.client.raw('POST', 'identity/group', { name: 'admins', type: 'external', policies: ['admin'] });
    assert.equal(admins.status, 200);
    const adminsId = dataOf(admins.body)['id'] as string;
    const refused = await t.client.raw('POST', `identity/group/id/${adminsId}`, { member_entity_ids: [] });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, { errors: ["member entities can't be set manually for external groups"] });
    const alias = await t.client.raw('POST', 'identity/group-alias', { name: 'admins', mount_accessor: accessor, canonical_id: adminsId });
    assert.equal(alias.status, 200);
    const aliasId = dataOf(alias.body)['id'] as string;
    const badMount = await t.client.raw('POST', 'identity/group-alias', { name: 'ops', mount_accessor: 'auth_jwt_nope', canonical_id: adminsId });
    assert.equal(badMount.status, 400);
    await t.client.write('identity/group', { name: 'auditors', policies: ['audit-read'], member_group_ids: [adminsId] });
    const aliasRead = dataOf((await t.client.raw('GET', `identity/group-alias/id/${aliasId}`)).body);
    assert.deepEqual([aliasRead['name'], aliasRead['mount_type'], aliasRead['mount_path'], aliasRead['canonical_id']], ['admins', 'jwt', 'jwt/', adminsId]);
    assert.deepEqual(dataOf((await t.client.raw('LIST', 'identity/group-alias/id')).body)['keys'], [aliasId]);

    const now = Math.floor(Date.now() / 1000);
    const sign = (sub: string, groups: string[]) =>
      new SignJWT({ groups }).setProtectedHeader({ alg: 'ES256' }).setIssuer('https://idp.example').setSubject(sub)
        .setAudience('arca').setIssuedAt(now).setExpirationTime(now + 600).sign(privateKey);
    const anon = new ArcaClient({ address: t.server.address });
    const login = async (groups: string[]): Promise<LoginBody['auth']> => {
      const res = await anon.raw('PUT', 'auth/jwt/login', { role: 'people', jwt: await sign('alice', groups) });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return (res.body as LoginBody).auth;
    };

    const first = await login(['admins', 'everyone']);
    assert.deepEqual(first.identity_policies, ['admin', 'audit-read']);
    assert.deepEqual(first.policies, ['admin', 'audit-read', 'default']);
    assert.deepEqual(first.metadata, { role: 'people' }, 'groups are identity input, not token metadata');
    const alice = new ArcaClient({ address: t.server.address, token: first.client_token });
    assert.equal((await alice.raw('GET', 'secret/data/admin/db')).status, 200);
    assert.equal((await alice.raw('GET', 'secret/data/audit/log')).status, 200, "the internal parent group's policy too");
    const group = dataOf((await t.client.raw('GET', `identity/group/id/${adminsId}`)).body);
    assert.deepEqual(group['member_entity_ids'], [first.entity_id]);
    assert.equal((group['alias'] as { id: string }).id, aliasId);
    const entity = dataOf((await t.client.raw('GET', `identity/entity/id/${first.entity_id}`)).body);
    assert.deepEqual(entity['direct_group_ids'], [adminsId]);

    const second = await login([]);
    assert.equal(second.entity_id, first.entity_id);
    assert.deepEqual(second.identity_policies, []);
    assert.deepEqual(second.policies, ['default']);
    assert.equal((await alice.raw('GET', 'secret/data/admin/db')).status, 403, 'the earlier token loses the policy on its next request');
    assert.deepEqual(dataOf((await t.client.raw('GET', `identity/group/id/${adminsId}`)).body)['member_entity_ids'], []);

    // Entity merge: bob's entity merged into alice's; bob's token now acts as alice.
    await login(['admins']);
    const bobRes = await anon.raw('PUT', 'auth/jwt/login', { role: 'people', jwt: await sign('bob', []) });
    const bob = (bobRes.body as LoginBody).auth;
    const bobClient = new ArcaClient({ address: t.server.address, token: bob.client_token });
    assert.equal((await bobClient.raw('GET', 'secret/data/admin/db')).status, 403);
    // Both have an alias on auth/jwt/: refused without conflicting_alias_ids_to_keep.
    const clash = await t.client.raw('POST', 'identity/entity/merge', { to_entity_id: first.entity_id, from_entity_ids: [bob.entity_id] });
    assert.equal(clash.status, 400);
    assert.match(JSON.stringify(clash.body), /same mount accessor/);
    const bobAlias = ((dataOf((await t.client.raw('GET', `identity/entity/id/${bob.entity_id}`)).body)['aliases'] as { id: string }[])[0])?.id;
    const merge = await t.client.raw('POST', 'identity/entity/merge', {
      to_entity_id: first.entity_id, from_entity_ids: [bob.entity_id], conflicting_alias_ids_to_keep: [bobAlias],
    });
    assert.equal(merge.status, 204, JSON.stringify(merge.body));
    assert.equal((await t.client.raw('GET', `identity/entity/id/${bob.entity_id}`)).status, 404);
    assert.equal((await bobClient.raw('GET', 'secret/data/admin/db')).status, 200, "a merged entity's token resolves to the target");
    const merged = dataOf((await t.client.raw('GET', `identity/entity/id/${first.entity_id}`)).body);
    assert.deepEqual(merged['merged_entity_ids'], [bob.entity_id]);
    // alice's own alias was replaced by bob's: bob now logs in as the merged entity.
    const bobAgain = await anon.raw('PUT', 'auth/jwt/login', { role: 'people', jwt: await sign('bob', ['admins']) });
    assert.equal((bobAgain.body as LoginBody).auth.entity_id, first.entity_id);
    // A plain token cannot manage group aliases.
    assert.equal((await bobClient.raw('POST', 'identity/group-alias', { name: 'x', mount_accessor: accessor })).status, 403);
  } finally {
    await t.close();
  }
});
