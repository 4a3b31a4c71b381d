// HTTP end-to-end: renewing a login token asks the auth method that minted it (userpass,
// approle, jwt; cert is in cert.test.ts, over TLS), through auth/token/renew-self and
// auth/token/renew; refusals are 400 with Vault's texts, and a renewal follows the user's or
// role's token settings as they are at renewal (on a fake clock). And the display_name rule every
// method shares: `<mount path with / as ->-<name part>`, checked at default and custom mounts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { ArcaClient } from '../../src/client/arca-client.js';
import { FakeClock } from '../../src/lib/clock.js';
import type { ClientResponse } from '../../src/client/arca-client.js';
import { startTestServer } from '../http/start-test-server.js';
import type { TestServer } from '../http/start-test-server.js';

interface LoginBody {
  auth: { client_token: string; lease_duration: number };
}

async function login(t: TestServer, path: string, body: Record<string, unknown>): Promise<ArcaClient> {
  const res = await new ArcaClient({ address: t.server.address }).raw('POST', path, body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return new ArcaClient({ address: t.server.address, token: (res.body as LoginBody).auth.client_token });
}

async function displayName(app: ArcaClient): Promise<string> {
  return ((await app.read('auth/token/lookup-self')).body as { data: { display_name: string } }).data.display_name;
}

function renewSelf(app: ArcaClient): Promise<ClientResponse> {
  return app.raw('POST', 'auth/token/renew-self', { increment: '1h' });
}

/** auth/token/renew by the root token, naming the login token in the body. */
function renewByRoot(t: TestServer, app: ArcaClient): Promise<ClientResponse> {
  return t.client.raw('POST', 'auth/token/renew', { token: app.token, increment: '1h' });
}

function assertRefused(res: ClientResponse, message: string): void {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.deepEqual(res.body, { errors: [message] });
}

test('userpass: renewal re-checks the user and its policies; display names follow the mount path', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('sys/auth/userpass', { type: 'userpass' });
    await t.client.write('sys/auth/my-users', { type: 'userpass' });
    await t.client.write('auth/userpass/users/alice', { password: 'pw-a', token_policies: 'reader', token_ttl: '10m' });
    await t.client.write('auth/my-users/users/alice', { password: 'pw-b', token_policies: 'reader' });
    const app = await login(t, 'auth/userpass/login/alice', { password: 'pw-a' });
    const other = await login(t, 'auth/my-users/login/alice', { password: 'pw-b' });
    assert.equal(await displayName(app), 'userpass-alice');
    assert.equal(await displayName(other), 'my-users-alice');

    assert.equal((await renewSelf(app)).status, 200);
    assert.equal((await renewByRoot(t, app)).status, 200);
    await t.client.write('auth/userpass/users/alice/policies', { token_policies: 'reader,writer' });
    assertRefused(await renewSelf(app), 'policies have changed, not renewing');
    assertRefused(await renewByRoot(t, app), 'policies have changed, not renewing');
    // The token itself still works until it expires; only its extension is refused.
    assert.equal((await app.raw('GET', 'auth/token/lookup-self')).status, 200);
    await t.client.write('auth/userpass/users/alice/policies', { token_policies: 'reader' });
    assert.equal((await renewSelf(app)).status, 200);
    assert.equal((await t.client.raw('DELETE', 'auth/userpass/users/alice')).status, 204);
    assertRefused(await renewSelf(app), 'user "alice" does not exist during renewal');
    // The other mount's alice is another user: the method asked is the token's own.
    assert.equal((await renewSelf(other)).status, 200);
  } finally {
    await t.close();
  }
});

test('approle: renewal goes on while the role exists; the display name is the mount path', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('sys/auth/approle', { type: 'approle' });
    await t.client.write('sys/auth/ci/machines', { type: 'approle' });
    const tokens: ArcaClient[] = [];
    for (const mount of ['approle', 'ci/machines']) {
      await t.client.write(`auth/${mount}/role/build`, { token_policies: 'ci' });
      const roleId = ((await t.client.read(`auth/${mount}/role/build/role-id`)).body as { data: { role_id: string } }).data.role_id;
      const secretId = ((await t.client.write(`auth/${mount}/role/build/secret-id`, {})).body as { data: { secret_id: string } }).data.secret_id;
      tokens.push(await login(t, `auth/${mount}/login`, { role_id: roleId, secret_id: secretId }));
    }
    const [app, machine] = tokens as [ArcaClient, ArcaClient];
    assert.equal(await displayName(app), 'approle');
    assert.equal(await displayName(machine), 'ci-machines');
    assert.equal((await renewSelf(app)).status, 200);
    assert.equal((await t.client.raw('DELETE', 'auth/approle/role/build')).status, 204);
    assertRefused(await renewSelf(app), 'role "build" does not exist during renewal');
    assertRefused(await renewByRoot(t, app), 'role "build" does not exist during renewal');
    assert.equal((await renewSelf(machine)).status, 200);
  } finally {
    await t.close();
  }
});

test('jwt: renewal goes on while the role exists; display name is <mount>-<user claim>', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('sys/auth/ci-jwt', { type: 'jwt' });
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    await t.client.write('auth/ci-jwt/config', { jwt_validation_pubkeys: [await exportSPKI(publicKey)], jwt_supported_algs: 'ES256' });
    await t.client.write('auth/ci-jwt/role/deploy', { role_type: 'jwt', user_claim: 'sub', bound_subject: 'repo:octo/app', token_policies: 'deploy' });
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ sub: 'repo:octo/app' }).setProtectedHeader({ alg: 'ES256' }).setIssuedAt(now).setExpirationTime(now + 300).sign(privateKey);
    const app = await login(t, 'auth/ci-jwt/login', { role: 'deploy', jwt });
    assert.equal(await displayName(app), 'ci-jwt-repo:octo/app');
    assert.equal((await renewSelf(app)).status, 200);
    assert.equal((await t.client.raw('DELETE', 'auth/ci-jwt/role/deploy')).status, 204);
    assertRefused(await renewSelf(app), 'role "deploy" does not exist during renewal');
  } finally {
    await t.close();
  }
});

test('tokens no login minted are renewed unasked; a login token whose method is disabled is not renewed', async () => {
  const t = await startTestServer();
  try {
    const created = await t.client.write('auth/token/create', { policies: 'reader', ttl: '10m' });
    const child = new ArcaClient({ address: t.server.address, token: (created.body as LoginBody).auth.client_token });
    assert.equal((await renewSelf(child)).status, 200);

    await t.client.write('sys/auth/userpass', { type: 'userpass' });
    await t.client.write('auth/userpass/users/bob', { password: 'pw' });
    const app = await login(t, 'auth/userpass/login/bob', { password: 'pw' });
    assert.equal((await t.client.raw('DELETE', 'sys/auth/userpass')).status, 204);
    // Disabling revokes the method's tokens (auth-disable.test.ts); either way the token is
    // never extended afterwards.
    const res = await renewByRoot(t, app);
    assert.equal(res.status, 400);
    const [message] = (res.body as { errors: string[] }).errors;
    assert.ok(['the auth method that issued this token is no longer enabled, not renewing', 'token not found'].includes(message ?? ''), JSON.stringify(res.body));
  } finally {
    await t.close();
  }
});

/** A server on a fake clock (the renewal arithmetic counts from the token's creation). */
async function clockedServer(): Promise<{ t: TestServer; clock: FakeClock }> {
  const clock = new FakeClock(Date.now());
  return { t: await startTestServer({ dev: true, clock }), clock };
}

/** renew-self with the given body; the granted lease_duration and warnings, or the failure. */
async function renewTo(app: ArcaClient, body: Record<string, unknown> = {}): Promise<{ status: number; ttl: number; warnings: string[] }> {
  const res = await app.raw('POST', 'auth/token/renew-self', body);
  const out = res.body as { auth?: { lease_duration: number }; warnings?: string[] };
  return { status: res.status, ttl: out.auth?.lease_duration ?? -1, warnings: out.warnings ?? [] };
}

const MINUTE = 60_000;

test('approle: renewal follows the role as it is now (token_ttl, token_max_ttl, token_period); mount limits still apply', async () => {
  const { t, clock } = await clockedServer();
  try {
    await t.client.write('sys/auth/approle', { type: 'approle' });
    await t.client.write('auth/approle/role/build', { token_policies: 'ci', token_ttl: '10m', token_max_ttl: '1h' });
    const roleId = ((await t.client.read('auth/approle/role/build/role-id')).body as { data: { role_id: string } }).data.role_id;
    const secretId = ((await t.client.write('auth/approle/role/build/secret-id', {})).body as { data: { secret_id: string } }).data.secret_id;
    const app = await login(t, 'auth/approle/login', { role_id: roleId, secret_id: secretId });
    assert.deepEqual(await renewTo(app), { status: 200, ttl: 600, warnings: [] });

    // A longer token_ttl is what a renewal without increment grants from now on.
    await t.client.write('auth/approle/role/build', { token_ttl: '20m' });
    assert.equal((await renewTo(app)).ttl, 1200);
    // A lower token_max_ttl binds the existing token, counted from its login.
    await t.client.write('auth/approle/role/build', { token_max_ttl: '30m' });
    clock.advance(15 * MINUTE);
    const capped = await renewTo(app);
    assert.equal(capped.ttl, 900);
    assert.match(capped.warnings[0] ?? '', /capped/);
    clock.advance(14 * MINUTE);
    assert.equal((await renewTo(app)).ttl, 60, 'one minute left under the role max TTL');
    // Raising it again lets the (still live) token be renewed further.
    await t.client.write('auth/approle/role/build', { token_max_ttl: '2h' });
    assert.equal((await renewTo(app)).ttl, 1200);

    // A token_period makes the token periodic: the period, whatever the increment, past any max TTL.
    await t.client.write('auth/approle/role/build', { token_period: '5m' });
    for (let i = 0; i < 30; i++) {
      assert.equal((await renewTo(app, { increment: '1h' })).ttl, 300);
      clock.advance(4 * MINUTE);
    }
    assert.ok(clock.now() - (await tokenCreation(app)) > 2 * 60 * MINUTE, 'renewed past the role max TTL');
    // The mount's tuned max_lease_ttl still caps the period.
    await t.client.write('sys/auth/approle/tune', { max_lease_ttl: '3m' });
    const tuned = await renewTo(app);
    assert.equal(tuned.ttl, 180);
    assert.match(tuned.warnings[0] ?? '', /period/);
    // Removing the period ends it: the token is past the role's max TTL again.
    await t.client.write('sys/auth/approle/tune', { max_lease_ttl: '768h' });
    await t.client.write('auth/approle/role/build', { token_period: 0 });
    assertRefused(await app.raw('POST', 'auth/token/renew-self', {}), 'past the max TTL, cannot renew');
  } finally {
    await t.close();
  }
});

async function tokenCreation(app: ArcaClient): Promise<number> {
  return ((await app.read('auth/token/lookup-self')).body as { data: { creation_time: number } }).data.creation_time * 1000;
}

test('userpass: renewal follows the user as it is now (token_ttl, token_max_ttl, token_period)', async () => {
  const { t, clock } = await clockedServer();
  try {
    await t.client.write('sys/auth/userpass', { type: 'userpass' });
    await t.client.write('auth/userpass/users/alice', { password: 'pw', token_policies: 'reader', token_ttl: '10m', token_max_ttl: '1h' });
    const app = await login(t, 'auth/userpass/login/alice', { password: 'pw' });
    const byRoot = async (): Promise<number> => {
      const res = await t.client.raw('POST', 'auth/token/renew', { token: app.token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return (res.body as { auth: { lease_duration: number } }).auth.lease_duration;
    };
    assert.equal(await byRoot(), 600);
    await t.client.write('auth/userpass/users/alice', { token_ttl: '5m' });
    assert.equal(await byRoot(), 300);
    assert.equal((await renewTo(app)).ttl, 300);
    // An increment is still capped by the user's current max TTL (counted from the login).
    await t.client.write('auth/userpass/users/alice', { token_max_ttl: '8m' });
    clock.advance(4 * MINUTE);
    assert.equal((await renewTo(app, { increment: '1h' })).ttl, 240);
    await t.client.write('auth/userpass/users/alice', { token_period: '2m' });
    for (let i = 0; i < 10; i++) {
      clock.advance(MINUTE);
      assert.equal((await renewTo(app, { increment: '1h' })).ttl, 120);
    }
    await t.client.write('auth/userpass/users/alice', { token_period: '3m' });
    assert.equal(await byRoot(), 180);
  } finally {
    await t.close();
  }
});

test('jwt: renewal follows the role as it is now (token_ttl, token_period)', async () => {
  const { t, clock } = await clockedServer();
  try {
    await t.client.write('sys/auth/jwt', { type: 'jwt' });
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    await t.client.write('auth/jwt/config', { jwt_validation_pubkeys: [await exportSPKI(publicKey)], jwt_supported_algs: 'ES256' });
    await t.client.write('auth/jwt/role/deploy', { role_type: 'jwt', user_claim: 'sub', bound_subject: 'repo:octo/app', token_policies: 'deploy', token_ttl: '10m' });
    const now = Math.floor(clock.now() / 1000);
    const jwt = await new SignJWT({ sub: 'repo:octo/app' }).setProtectedHeader({ alg: 'ES256' }).setIssuedAt(now).setExpirationTime(now + 300).sign(privateKey);
    const app = await login(t, 'auth/jwt/login', { role: 'deploy', jwt });
    assert.equal((await renewTo(app)).ttl, 600);
    await t.client.write('auth/jwt/role/deploy', { token_ttl: '15m' });
    assert.equal((await renewTo(app)).ttl, 900);
    await t.client.write('auth/jwt/role/deploy', { token_period: '1m' });
    clock.advance(5 * MINUTE);
    assert.equal((await renewTo(app, { increment: '1h' })).ttl, 60);
  } finally {
    await t.close();
  }
});
