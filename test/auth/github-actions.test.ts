// HTTP end-to-end: GitHub Actions OIDC logins through the jwt auth method. A local JWKS
// server stands in for token.actions.githubusercontent.com (same issuer and token shape,
// test signing key); the mount is configured as docs/auth/jwt.md's recipe says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaClient } from '../../src/client/arca-client.js';
import type { ClientResponse } from '../../src/client/arca-client.js';
import { GITHUB_ISSUER, signGithubToken, startJwksServer } from '../../src/auth/jwt/jwt-testing.js';
import type { JwksServer } from '../../src/auth/jwt/jwt-testing.js';
import { startTestServer } from '../http/start-test-server.js';
import type { TestServer } from '../http/start-test-server.js';

interface LoginBody {
  auth: { client_token: string; policies: string[]; metadata: Record<string, string>; lease_duration: number };
}

interface World {
  readonly t: TestServer;
  readonly jwks: JwksServer;
  readonly anon: ArcaClient;
  login(jwt: string, role?: string): Promise<ClientResponse>;
}

async function withWorld(fn: (w: World) => Promise<void>): Promise<void> {
  const jwks = await startJwksServer();
  const t = await startTestServer();
  try {
    await t.client.write('sys/auth/jwt', { type: 'jwt' });
    await t.client.write('auth/jwt/config', { jwks_url: jwks.jwksUrl, bound_issuer: GITHUB_ISSUER });
    await t.client.write('sys/policies/acl/ci-deploy', { policy: 'path "secret/data/ci/*" {\n  capabilities = ["read"]\n}\n' });
    await t.client.write('auth/jwt/role/deploy', {
      role_type: 'jwt',
      user_claim: 'repository',
      bound_audiences: 'https://github.com/octo-org',
      bound_claims_type: 'glob',
      bound_claims: { sub: 'repo:octo-org/octo-repo:*' },
      claim_mappings: { repository: 'repository', ref: 'ref', workflow: 'workflow' },
      token_policies: 'ci-deploy',
      token_ttl: '10m',
    });
    await t.client.write('secret/data/ci/db', { data: { password: 'ci-db-pass' } });
    const anon = new ArcaClient({ address: t.server.address });
    const login = (jwt: string, role = 'deploy'): Promise<ClientResponse> => anon.raw('POST', 'auth/jwt/login', { role, jwt });
    await fn({ t, jwks, anon, login });
  } finally {
    await t.close();
    await jwks.close();
  }
}

function assertRefused(res: ClientResponse, jwt: string, reason: RegExp): void {
  assert.equal(res.status, 400);
  const text = JSON.stringify(res.body);
  assert.match(text, reason);
  assert.equal(text.includes(jwt), false, 'the answer must not echo the JWT');
  assert.equal(text.includes(jwt.split('.')[2] ?? '-'), false);
}

test('github actions: a workflow token logs in and reads the secret its policy allows', async () => {
  await withWorld(async ({ t, jwks, login }) => {
    const res = await login(await signGithubToken({ key: jwks.current }));
    assert.equal(res.status, 200);
    const auth = (res.body as LoginBody).auth;
    assert.deepEqual(auth.policies, ['ci-deploy', 'default']);
    assert.equal(auth.lease_duration, 600);
    assert.deepEqual(auth.metadata, { role: 'deploy', repository: 'octo-org/octo-repo', ref: 'refs/heads/main', workflow: 'deploy' });
    const ci = new ArcaClient({ address: t.server.address, token: auth.client_token });
    const secret = await ci.raw('GET', 'secret/data/ci/db');
    assert.equal(secret.status, 200);
    assert.deepEqual((secret.body as { data: { data: Record<string, string> } }).data.data, { password: 'ci-db-pass' });
    assert.equal((await ci.raw('PUT', 'secret/data/ci/db', { data: { password: 'x' } })).status, 403);
    assert.equal((await ci.raw('GET', 'auth/jwt/config')).status, 403);
    // A tag or pull-request ref of the same repository matches the glob too.
    const tag = await signGithubToken({ key: jwks.current, ref: 'refs/tags/v1.2.3' });
    assert.equal((await login(tag)).status, 200);
  });
});

test('github actions: wrong audience, another repository, expired, tampered and wrong issuer are refused', async () => {
  await withWorld(async ({ jwks, login }) => {
    const wrongAud = await signGithubToken({ key: jwks.current, audience: 'https://github.com/other-org' });
    assertRefused(await login(wrongAud), wrongAud, /audience claim does not match any expected audience/);

    const otherRepo = await signGithubToken({ key: jwks.current, repository: 'octo-org/octo-repo-fork', audience: 'https://github.com/octo-org' });
    assertRefused(await login(otherRepo), otherRepo, /claim \\"sub\\" does not match any associated bound claim values/);

    const expired = await signGithubToken({ key: jwks.current, issuedAt: Math.floor(Date.now() / 1000) - 3600 });
    assertRefused(await login(expired), expired, /token is expired/);

    const good = await signGithubToken({ key: jwks.current });
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    forged['sub'] = 'repo:octo-org/octo-repo:ref:refs/heads/evil';
    const tamperedPayload = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
    assertRefused(await login(tamperedPayload), tamperedPayload, /no known key successfully validated the token signature/);
    const flipped = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    assertRefused(await login(flipped), flipped, /no known key successfully validated/);

    const otherIssuer = await signGithubToken({ key: jwks.current, issuer: 'https://token.actions.example.com' });
    assertRefused(await login(otherIssuer), otherIssuer, /invalid issuer/);

    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    assert.equal((await login(unsigned)).status, 400);
  });
});

test('github actions: a rotated signing key (unknown kid) is picked up by refetching the JWKS', async () => {
  await withWorld(async ({ jwks, login }) => {
    assert.equal((await login(await signGithubToken({ key: jwks.current }))).status, 200);
    const hitsBefore = jwks.jwksHits;
    const oldKey = jwks.current;
    const newKey = await jwks.rotate();
    assert.equal((await login(await signGithubToken({ key: newKey }))).status, 200);
    assert.equal(jwks.jwksHits, hitsBefore + 1);
    // The old key is no longer published: its tokens fail (the refetch is rate-limited).
    const stale = await signGithubToken({ key: oldKey });
    assertRefused(await login(stale), stale, /no known key successfully validated/);
    assert.equal(jwks.jwksHits, hitsBefore + 1);
  });
});

test('github actions: an oidc role cannot be used for a jwt login; unknown role and missing jwt are 400', async () => {
  await withWorld(async ({ t, jwks, login, anon }) => {
    await t.client.write('auth/jwt/role/browser', { role_type: 'oidc', user_claim: 'sub', allowed_redirect_uris: 'https://arca.example.com/ui/callback' });
    const jwt = await signGithubToken({ key: jwks.current });
    assertRefused(await login(jwt, 'browser'), jwt, /role with oidc role_type is not allowed/);
    assertRefused(await login(jwt, 'nope'), jwt, /role \\"nope\\" could not be found/);
    assert.match(JSON.stringify((await anon.raw('POST', 'auth/jwt/login', { role: 'deploy' })).body), /missing token/);
    assert.match(JSON.stringify((await login(jwt, '')).body), /missing role/);
    // default_role is used when the login names no role.
    await t.client.write('auth/jwt/config', { jwks_url: jwks.jwksUrl, bound_issuer: GITHUB_ISSUER, default_role: 'deploy' });
    assert.equal((await login(jwt, '')).status, 200);
  });
});
