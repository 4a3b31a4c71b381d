// A token issued to an entity that identity/entity/merge then merged away, on a real server
// (SQLite file, key-file seal, FakeClock): it keeps its entity_id in lookup-self (as in
// Vault) but acts as the merge target everywhere — templated policies render for the target,
// TOTP self-enrolment enrols the target (so the secret applies to the target's logins), and
// an enrolment attempt when the target is already enrolled answers as for the target's own
// token. Admin paths that name the merged-away id refuse it and name the target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/lib/clock.js';
import { ArcaClient } from '../../src/client/arca-client.js';
import { totpCode } from '../../src/core/mfa/totp-code.js';
import { startTestServer } from '../http/start-test-server.js';

interface LoginBody {
  auth: { client_token: string; entity_id: string };
}
interface GenerateBody {
  data?: { url: string; barcode: string } | null;
  warnings?: string[] | null;
}

const TEMPLATED = 'path "secret/data/{{identity.entity.id}}/*" {\n  capabilities = ["create", "update", "read"]\n}\n';

test('a merged-away entity’s token acts as the target: templated policies, TOTP self-enrolment, admin paths', async () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 22, 12, 0, 10));
  const t = await startTestServer({ clock, env: {} });
  try {
    const c = t.client;
    const anon = new ArcaClient({ address: t.server.address });
    // secret/ is the built-in KV v2 mount of a key-file-sealed server.
    await c.write('sys/policy/own', { policy: TEMPLATED });
    await c.write('sys/policy/enrol', { policy: 'path "identity/mfa/method/totp/generate" {\n  capabilities = ["update"]\n}\n' });
    // Each account on its own mount, so the merge has no alias conflict.
    const mountOf = { alice: 'userpass', bob: 'userpass2' } as const;
    type User = keyof typeof mountOf;
    for (const [user, mount] of Object.entries(mountOf)) {
      await c.write(`sys/auth/${mount}`, { type: 'userpass' });
      await c.write(`auth/${mount}/users/${user}`, { password: `pw-${user}`, token_policies: ['default', 'own', 'enrol'] });
    }
    const login = async (user: User, headers: Record<string, string> = {}) =>
      anon.raw('PUT', `auth/${mountOf[user]}/login/${user}`, { password: `pw-${user}` }, headers);
    const loggedIn = async (user: User): Promise<LoginBody['auth']> => ((await login(user)).body as LoginBody).auth;
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    const asAlice = new ArcaClient({ address: t.server.address, token: alice.client_token });
    const asBob = new ArcaClient({ address: t.server.address, token: bob.client_token });
    // A template that changes with the merge: bob's entity gains alice's userpass alias.
    const auths = (await c.raw('GET', 'sys/auth')).body as { data: Record<string, { accessor: string }> };
    const accessor = auths.data['userpass/']?.accessor ?? '';
    assert.ok(accessor !== '');
    await c.write('sys/policy/own', {
      policy: `${TEMPLATED}path "secret/data/by-alias/{{identity.entity.aliases.${accessor}.name}}" {\n  capabilities = ["create", "update"]\n}\n`,
    });

    // Before the merge alice's templated policy is hers (and its ACL is now cached).
    assert.equal((await asAlice.raw('PUT', `secret/data/${alice.entity_id}/x`, { data: { v: 1 } })).status, 200);
    assert.equal((await asAlice.raw('PUT', `secret/data/${bob.entity_id}/x`, { data: { v: 1 } })).status, 403);
    assert.equal((await asBob.raw('PUT', `secret/data/${bob.entity_id}/x`, { data: { v: 1 } })).status, 200);
    assert.equal((await asBob.raw('PUT', 'secret/data/by-alias/alice', { data: { v: 1 } })).status, 403);

    const merge = await c.raw('POST', 'identity/entity/merge', { to_entity_id: bob.entity_id, from_entity_ids: [alice.entity_id] });
    assert.equal(merge.status, 204, JSON.stringify(merge.body));

    // The token keeps the entity id it was issued with, as Vault's lookup-self shows it.
    const self = (await asAlice.raw('GET', 'auth/token/lookup-self')).body as { data: { entity_id: string } };
    assert.equal(self.data.entity_id, alice.entity_id);
    // Templated policies render for the target, not from an ACL cached for the old entity.
    assert.equal((await asAlice.raw('PUT', `secret/data/${bob.entity_id}/x`, { data: { v: 2 } })).status, 200);
    assert.equal((await asAlice.raw('PUT', `secret/data/${alice.entity_id}/x`, { data: { v: 2 } })).status, 403);
    // ...and the target's own ACL, cached before the merge, is rendered again with its new alias.
    assert.equal((await asBob.raw('PUT', 'secret/data/by-alias/alice', { data: { v: 2 } })).status, 200);

    // Self-enrolment through the merged-away token enrols the target.
    const method = ((await c.write('identity/mfa/method/totp', { issuer: 'Arca', period: 30 })).body as { data: { method_id: string } }).data.method_id;
    const generated = await asAlice.raw('PUT', 'identity/mfa/method/totp/generate', { method_id: method });
    assert.equal(generated.status, 200, JSON.stringify(generated.body));
    const url = new URL((generated.body as GenerateBody).data?.url ?? '');
    const secret = url.searchParams.get('secret') ?? '';
    assert.ok(secret.length > 0);
    assert.equal(decodeURIComponent(url.pathname), `/Arca:${bob.entity_id}`, 'the provisioning URL names the target entity');

    // ...so it applies at a login of the target entity (bob's own account and alice's moved alias).
    await c.write('identity/mfa/login-enforcement/bob', { mfa_method_ids: [method], identity_entity_ids: [bob.entity_id] });
    const pending = (await login('bob')).body as { auth: { client_token: string; mfa_requirement: unknown } };
    assert.ok(pending.auth.mfa_requirement, 'the enforcement applies to the target');
    assert.equal(pending.auth.client_token, '');
    const withCode = async (user: User) =>
      login(user, { 'X-Vault-MFA': `${method}:${await totpCode({ algorithm: 'SHA1', digits: 6, period: 30, skew: 1 }, secret, clock.now())}` });
    const bobIn = await withCode('bob');
    assert.equal(bobIn.status, 200, JSON.stringify(bobIn.body));
    assert.equal((bobIn.body as LoginBody).auth.entity_id, bob.entity_id);
    clock.advance(30_000);
    const aliceIn = await withCode('alice');
    assert.equal(aliceIn.status, 200, JSON.stringify(aliceIn.body));
    assert.equal((aliceIn.body as LoginBody).auth.entity_id, bob.entity_id);

    // The target is enrolled now: the merged-away token gets what the target's own token gets.
    const again = await asAlice.raw('PUT', 'identity/mfa/method/totp/generate', { method_id: method });
    const bobsOwn = await asBob.raw('PUT', 'identity/mfa/method/totp/generate', { method_id: method });
    assert.equal(again.status, bobsOwn.status);
    assert.deepEqual((again.body as GenerateBody).warnings, (bobsOwn.body as GenerateBody).warnings);
    assert.match((again.body as GenerateBody).warnings?.[0] ?? '', /already has a secret/);
    assert.equal((again.body as GenerateBody).data ?? undefined, undefined);
    clock.advance(30_000);
    assert.equal((await withCode('bob')).status, 200, 'the enrolment is unchanged');

    // Admin paths naming the merged-away id are refused and point at the target.
    for (const path of ['admin-generate', 'admin-destroy']) {
      const res = await c.raw('PUT', `identity/mfa/method/totp/${path}`, { method_id: method, entity_id: alice.entity_id });
      assert.equal(res.status, 400, path);
      assert.match(JSON.stringify(res.body), new RegExp(`merged into entity \\\\"${bob.entity_id}\\\\"`));
    }
    clock.advance(30_000);
    assert.equal((await withCode('bob')).status, 200, 'a refused admin-destroy leaves the target enrolled');
  } finally {
    await t.close();
  }
});
