// identity/entity/merge and login MFA end to end on a real server: a merged entity's TOTP
// enrolment moves to the target, so the account whose alias moved logs in with the same
// authenticator; when both sides are enrolled the merge is refused unless `force` is set,
// which keeps the target's enrolment (Vault's behaviour). Time is a FakeClock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/lib/clock.js';
import { ArcaClient } from '../../src/client/arca-client.js';
import { totpCode } from '../../src/core/mfa/totp-code.js';
import { startTestServer } from '../http/start-test-server.js';

interface LoginBody {
  auth: { client_token: string; entity_id: string; mfa_requirement: { mfa_request_id: string } | null };
}

test('entity merge carries TOTP enrolments; both sides enrolled needs force, which keeps the target’s', async () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 22, 12, 0, 10));
  const t = await startTestServer({ dev: true, clock });
  try {
    const c = t.client;
    const anon = new ArcaClient({ address: t.server.address });
    // Each account on its own mount, so the merges below have no alias conflicts.
    const mountOf = { alice: 'userpass', carol: 'userpass2' } as const;
    type User = keyof typeof mountOf;
    for (const [user, mount] of Object.entries(mountOf)) {
      await c.write(`sys/auth/${mount}`, { type: 'userpass' });
      await c.write(`auth/${mount}/users/${user}`, { password: `pw-${user}-1`, token_policies: ['default'] });
    }
    const entityOf = async (user: User): Promise<string> =>
      ((await anon.write(`auth/${mountOf[user]}/login/${user}`, { password: `pw-${user}-1` })).body as LoginBody).auth.entity_id;
    const alice = await entityOf('alice');
    const carol = await entityOf('carol');

    const method = ((await c.write('identity/mfa/method/totp', { issuer: 'Arca', period: 30 })).body as { data: { method_id: string } }).data.method_id;
    const enrol = async (entityId: string): Promise<string> => {
      const body = (await c.write('identity/mfa/method/totp/admin-generate', { method_id: method, entity_id: entityId })).body as { data: { url: string } };
      return new URL(body.data.url).searchParams.get('secret') ?? '';
    };
    const aliceSecret = await enrol(alice);
    const carolSecret = await enrol(carol);
    await c.write('identity/mfa/login-enforcement/people', { mfa_method_ids: [method], auth_method_types: ['userpass'] });
    const loginWith = (user: User, secret: string) => async () => {
      const code = await totpCode({ algorithm: 'SHA1', digits: 6, period: 30, skew: 1 }, secret, clock.now());
      return anon.raw('PUT', `auth/${mountOf[user]}/login/${user}`, { password: `pw-${user}-1` }, { 'X-Vault-MFA': `${method}:${code}` });
    };

    // alice's entity merged into a fresh one: her authenticator works for the target.
    const person = ((await c.write('identity/entity', { name: 'person' })).body as { data: { id: string } }).data.id;
    const merge = await c.raw('POST', 'identity/entity/merge', { to_entity_id: person, from_entity_ids: [alice] });
    assert.equal(merge.status, 204, JSON.stringify(merge.body));
    const asPerson = await loginWith('alice', aliceSecret)();
    assert.equal(asPerson.status, 200, JSON.stringify(asPerson.body));
    assert.equal((asPerson.body as LoginBody).auth.entity_id, person);
    assert.ok((asPerson.body as LoginBody).auth.client_token.startsWith('hvs.'));

    // carol is enrolled too, and so is the target now: refused, and nothing moved.
    const clash = await c.raw('POST', 'identity/entity/merge', { to_entity_id: person, from_entity_ids: [carol] });
    assert.equal(clash.status, 400);
    assert.match(JSON.stringify(clash.body), new RegExp(`conflicting MFA config ID \\\\"${method}\\\\" in entity ID \\\\"${carol}\\\\"`));
    assert.equal((await c.raw('GET', `identity/entity/id/${carol}`)).status, 200);
    const stillCarol = await loginWith('carol', carolSecret)();
    assert.equal((stillCarol.body as LoginBody).auth.entity_id, carol);

    // With force the target keeps its own (alice's) enrolment; carol's is dropped.
    clock.advance(30_000);
    const forced = await c.raw('POST', 'identity/entity/merge', { to_entity_id: person, from_entity_ids: [carol], force: true });
    assert.equal(forced.status, 204, JSON.stringify(forced.body));
    assert.equal((await loginWith('carol', carolSecret)()).status, 403);
    const carolAsPerson = await loginWith('carol', aliceSecret)();
    assert.equal(carolAsPerson.status, 200, JSON.stringify(carolAsPerson.body));
    assert.equal((carolAsPerson.body as LoginBody).auth.entity_id, person);
  } finally {
    await t.close();
  }
});
