// HTTP end-to-end: renewing a login token asks the auth method that minted it (userpass,
// approle, jwt; cert is in cert.test.ts, over TLS), through auth/token/renew-self and
// auth/token/renew; refusals are 400 with Vault's texts. And the display_name rule every
// method shares: `<mount path with / as ->-<name part>`, checked at default and custom mounts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { ArcaClient } from '../../src/client/arca-client.js';
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
