// End to end through the whole login pipeline on a real server: an auth method (userpass),
// account lockout with sys/locked-users, identity (entity on first login) and login MFA with
// TOTP in both of Vault's forms (two-step mfa_requirement + sys/mfa/validate, and the
// X-Vault-MFA header), with codes that cannot be replayed. Time is a FakeClock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../src/lib/clock.js';
import { ArcaClient } from '../../src/client/arca-client.js';
import { totpCode } from '../../src/core/mfa/totp-code.js';
import { startTestServer } from '../http/start-test-server.js';

interface LoginBody {
  auth: { client_token: string; entity_id: string; mfa_requirement: { mfa_request_id: string } | null };
}

test('userpass: lockout after repeated failures, for known and unknown users alike; unlock', async () => {
  const t = await startTestServer();
  try {
    const c = t.client;
    await c.write('sys/auth/userpass', { type: 'userpass' });
    await c.write('sys/auth/userpass/tune', { user_lockout_config: { lockout_threshold: 3, lockout_duration: '10m' } });
    await c.write('auth/userpass/users/bob', { password: 'correct horse', token_policies: ['default'] });
    const anon = new ArcaClient({ address: t.server.address });
    for (const user of ['bob', 'ghost']) {
      const bodies = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const r = await anon.raw('PUT', `auth/userpass/login/${user}`, { password: 'wrong' });
        assert.equal(r.status, 400);
        bodies.add(JSON.stringify(r.body));
      }
      assert.equal(bodies.size, 1);
      assert.equal((await anon.raw('PUT', `auth/userpass/login/${user}`, { password: 'correct horse' })).status, 429);
    }
    const locked = (await c.read('sys/locked-users')).body as { data: { total: number; by_namespace: Array<{ mount_accessors: Record<string, { alias_identifiers: string[] }> }> } };
    assert.equal(locked.data.total, 2);
    const [accessor, entry] = Object.entries(locked.data.by_namespace[0]?.mount_accessors ?? {})[0] ?? [];
    assert.deepEqual(entry?.alias_identifiers, ['bob', 'ghost']);
    await c.write(`sys/locked-users/${accessor}/unlock/bob`, {});
    assert.equal((await anon.raw('PUT', 'auth/userpass/login/bob', { password: 'correct horse' })).status, 200);
  } finally {
    await t.close();
  }
});

test('login MFA with TOTP: two-step and header forms; a used code cannot be replayed', async () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 22, 12, 0, 0));
  const t = await startTestServer({ dev: true, clock });
  try {
    const c = t.client;
    await c.write('sys/auth/userpass', { type: 'userpass' });
    await c.write('auth/userpass/users/alice', { password: 'pw-alice-1', token_policies: ['default'] });
    const anon = new ArcaClient({ address: t.server.address });
    const first = (await anon.write('auth/userpass/login/alice', { password: 'pw-alice-1' })).body as LoginBody;
    const entityId = first.auth.entity_id;
    assert.notEqual(entityId, '', 'the first login created an entity');

    const method = ((await c.write('identity/mfa/method/totp', { issuer: 'Arca', period: 30 })).body as { data: { method_id: string } }).data.method_id;
    const enrolled = (await c.write('identity/mfa/method/totp/admin-generate', { method_id: method, entity_id: entityId })).body as { data: { url: string; barcode: string } };
    const secret = new URL(enrolled.data.url).searchParams.get('secret') ?? '';
    assert.ok(secret.length > 0);
    assert.ok(Buffer.from(enrolled.data.barcode, 'base64').subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])));
    const accessor = ((await c.read('sys/auth')).body as { data: Record<string, { accessor: string }> }).data['userpass/']?.accessor;
    await c.write('identity/mfa/login-enforcement/people', { mfa_method_ids: [method], auth_method_accessors: [accessor] });
    const code = (): Promise<string> => totpCode({ algorithm: 'SHA1', digits: 6, period: 30, skew: 1 }, secret, clock.now());

    const pending = (await anon.write('auth/userpass/login/alice', { password: 'pw-alice-1' })).body as LoginBody & { warnings: string[] };
    assert.equal(pending.auth.client_token, '', 'no token before the second factor');
    const requestId = pending.auth.mfa_requirement?.mfa_request_id ?? '';
    assert.notEqual(requestId, '');
    const wrong = await anon.raw('PUT', 'sys/mfa/validate', { mfa_request_id: requestId, mfa_payload: { [method]: ['000000'] } });
    assert.equal(wrong.status, 403);
    const used = await code();
    const done = (await anon.write('sys/mfa/validate', { mfa_request_id: requestId, mfa_payload: { [method]: [used] } })).body as LoginBody;
    const token = done.auth.client_token;
    assert.ok(token.startsWith('hvs.'));
    assert.equal(done.auth.entity_id, entityId);
    assert.equal((await new ArcaClient({ address: t.server.address, token }).raw('GET', 'auth/token/lookup-self')).status, 200);

    // The same code again, in the header form: refused (replay inside its window).
    const replay = await anon.raw('PUT', 'auth/userpass/login/alice', { password: 'pw-alice-1' }, { 'X-Vault-MFA': `${method}:${used}` });
    assert.equal(replay.status, 403);
    clock.advance(30_000);
    const header = (await anon.write('auth/userpass/login/alice', { password: 'pw-alice-1' })).body as LoginBody;
    assert.notEqual(header.auth.mfa_requirement, null, 'without a header the login is parked again');
    const direct = await anon.raw('PUT', 'auth/userpass/login/alice', { password: 'pw-alice-1' }, { 'X-Vault-MFA': `${method}:${await code()}` });
    assert.equal(direct.status, 200);
    assert.ok((direct.body as LoginBody).auth.client_token.startsWith('hvs.'));
  } finally {
    await t.close();
  }
});
