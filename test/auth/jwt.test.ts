// HTTP end-to-end: the jwt auth method's config and role API over the real server (mounted
// as `jwt` and through its `oidc` alias), a login with a static PEM key, and the answers
// that must never carry a secret (client secret, JWT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { ArcaClient } from '../../src/client/arca-client.js';
import { startJwksServer } from '../../src/auth/jwt/jwt-testing.js';
import { startTestServer } from '../http/start-test-server.js';

interface LoginBody {
  auth: { client_token: string; policies: string[]; metadata: Record<string, string>; lease_duration: number };
}

test('jwt: PEM-key login over HTTP; config read hides the client secret; roles list', async () => {
  const t = await startTestServer();
  try {
    assert.equal((await t.client.raw('POST', 'sys/auth/k8s', { type: 'jwt' })).status, 204);
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const bad = await t.client.raw('POST', 'auth/k8s/config', { bound_issuer: 'https://k8s.example' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { errors: ["exactly one of 'jwt_validation_pubkeys', 'jwks_url' or 'oidc_discovery_url' must be set"] });
    const config = {
      jwt_validation_pubkeys: [await exportSPKI(publicKey)], jwt_supported_algs: 'ES256', bound_issuer: 'https://k8s.example',
      oidc_client_id: 'arca', oidc_client_secret: 'super-client-secret',
    };
    assert.equal((await t.client.raw('POST', 'auth/k8s/config', config)).status, 204);
    const read = await t.client.raw('GET', 'auth/k8s/config');
    assert.equal(read.status, 200);
    assert.equal(JSON.stringify(read.body).includes('super-client-secret'), false);
    assert.deepEqual((read.body as { data: { jwt_supported_algs: string[] } }).data.jwt_supported_algs, ['ES256']);

    await t.client.write('sys/policies/acl/app', { policy: 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}\n' });
    await t.client.write('secret/data/app/cfg', { data: { url: 'postgres://app' } });
    const role = {
      role_type: 'jwt', user_claim: 'sub', bound_audiences: 'arca', bound_claims: '{"/kubernetes.io/namespace": ["prod", "staging"]}',
      claim_mappings: '{"/kubernetes.io/namespace": "namespace"}', token_policies: 'app', token_ttl: 300,
    };
    assert.equal((await t.client.raw('POST', 'auth/k8s/role/app', role)).status, 204);
    assert.equal((await t.client.raw('POST', 'auth/k8s/role/web', { ...role, bound_claims: '{"/kubernetes.io/namespace": "web"}' })).status, 204);
    assert.deepEqual(keysOf(await t.client.raw('LIST', 'auth/k8s/role')), ['app', 'web']);

    const now = Math.floor(Date.now() / 1000);
    const sign = (namespace: string) =>
      new SignJWT({ 'kubernetes.io': { namespace } }).setProtectedHeader({ alg: 'ES256' }).setIssuer('https://k8s.example')
        .setSubject(`system:serviceaccount:${namespace}:app`).setAudience('arca').setIssuedAt(now).setExpirationTime(now + 600).sign(privateKey);
    const anon = new ArcaClient({ address: t.server.address });
    const res = await anon.raw('PUT', 'auth/k8s/login', { role: 'app', jwt: await sign('staging') });
    assert.equal(res.status, 200);
    const auth = (res.body as LoginBody).auth;
    assert.deepEqual(auth.policies, ['app', 'default']);
    assert.deepEqual(auth.metadata, { role: 'app', namespace: 'staging' });
    assert.equal(auth.lease_duration, 300);
    const app = new ArcaClient({ address: t.server.address, token: auth.client_token });
    assert.equal((await app.raw('GET', 'secret/data/app/cfg')).status, 200);
    const self = (await app.read('auth/token/lookup-self')).body as { data: { display_name: string; meta: Record<string, string> } };
    assert.match(self.data.display_name, /system:serviceaccount:staging:app$/);

    const other = await sign('dev');
    const refused = await anon.raw('PUT', 'auth/k8s/login', { role: 'app', jwt: other });
    assert.equal(refused.status, 400);
    assert.equal(JSON.stringify(refused.body).includes(other), false);
    assert.equal((await t.client.raw('DELETE', 'auth/k8s/role/web')).status, 204);
    assert.deepEqual(keysOf(await t.client.raw('LIST', 'auth/k8s/role')), ['app']);
  } finally {
    await t.close();
  }
});

test('jwt: the oidc mount type is an alias; repeated bad logins never lock the role', async () => {
  const jwks = await startJwksServer();
  const t = await startTestServer();
  try {
    assert.equal((await t.client.raw('POST', 'sys/auth/oidc', { type: 'oidc' })).status, 204);
    await t.client.write('auth/oidc/config', { oidc_discovery_url: jwks.url });
    await t.client.write('auth/oidc/role/ci', { role_type: 'jwt', user_claim: 'sub', bound_audiences: 'ci' });
    const anon = new ArcaClient({ address: t.server.address });
    const now = Math.floor(Date.now() / 1000);
    const sign = (aud: string) =>
      new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: jwks.current.kid }).setIssuer(jwks.url).setSubject('runner-1')
        .setAudience(aud).setIssuedAt(now).setExpirationTime(now + 300).sign(jwks.current.privateKey);
    for (let i = 0; i < 8; i += 1) assert.equal((await anon.raw('PUT', 'auth/oidc/login', { role: 'ci', jwt: await sign('wrong') })).status, 400);
    const ok = await anon.raw('PUT', 'auth/oidc/login', { role: 'ci', jwt: await sign('ci') });
    assert.equal(ok.status, 200);
  } finally {
    await t.close();
    await jwks.close();
  }
});

function keysOf(res: { body: unknown }): unknown {
  return (res.body as { data?: { keys?: unknown } }).data?.keys;
}
