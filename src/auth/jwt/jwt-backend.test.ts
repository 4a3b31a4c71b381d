// The jwt backend through the framework's BackendHandler on in-memory storage, with a fake
// clock (leeways, JWKS refetch rate limit) and a local JWKS/discovery server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { exportPKCS8, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { createEngineWorld } from '../../engines/kv/kv-testing.js';
import type { EngineWorld } from '../../engines/kv/kv-testing.js';
import { createJwtBackend } from './jwt-backend.js';
import { REFETCH_INTERVAL_MS } from './jwt-key-source.js';
import { GITHUB_ISSUER, makeSigningKey, signGithubToken, startJwksServer } from './jwt-testing.js';
import type { JwksServer } from './jwt-testing.js';
import { renewalOf, renewRefusal, renews } from '../renewal-testing.js';

const ROLE = {
  role_type: 'jwt',
  user_claim: 'sub',
  bound_audiences: ['https://github.com/octo-org'],
  token_policies: ['ci'],
};

async function withJwks(fn: (w: EngineWorld, jwks: JwksServer) => Promise<void>): Promise<void> {
  const jwks = await startJwksServer();
  try {
    const w = createEngineWorld(createJwtBackend);
    await w.call('update', 'config', { jwks_url: jwks.jwksUrl, bound_issuer: GITHUB_ISSUER });
    await w.call('update', 'role/ci', ROLE);
    await fn(w, jwks);
  } finally {
    await jwks.close();
  }
}

const nowSeconds = (w: EngineWorld): number => Math.floor(w.clock.now() / 1000);

test('config: exactly one key source, client id and secret together, secret never read back', async () => {
  const w = createEngineWorld(createJwtBackend);
  const one = /exactly one of 'jwt_validation_pubkeys', 'jwks_url' or 'oidc_discovery_url' must be set/;
  assert.match((await w.fail('update', 'config', {})).message, one);
  assert.match((await w.fail('update', 'config', { jwks_url: 'http://127.0.0.1:1/k', oidc_discovery_url: 'http://127.0.0.1:1' })).message, one);
  const { publicKey } = await generateKeyPair('RS256', { extractable: true });
  const pem = await exportSPKI(publicKey);
  assert.match((await w.fail('update', 'config', { jwt_validation_pubkeys: [pem], oidc_client_id: 'x' })).message, /both 'oidc_client_id' and 'oidc_client_secret'/);
  assert.match((await w.fail('update', 'config', { jwt_validation_pubkeys: ['not a key'] })).message, /error parsing public key at index 0/);
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  assert.match((await w.fail('update', 'config', { jwt_validation_pubkeys: [await exportPKCS8(privateKey)] })).message, /is a private key/);
  assert.match((await w.fail('update', 'config', { jwt_validation_pubkeys: [pem], jwt_supported_algs: ['HS256'] })).message, /unsupported signing algorithm/);
  assert.match((await w.fail('update', 'config', { jwks_url: 'ftp://x/y' })).message, /http or https/);
  assert.match((await w.fail('update', 'config', { jwks_url: 'http://127.0.0.1:9/keys' })).message, /error fetching the JWKS/);
  assert.match((await w.fail('update', 'config', { jwt_validation_pubkeys: [pem], jwks_ca_pem: 'junk' })).message, /no PEM certificate/);
  assert.equal(await w.call('read', 'config'), undefined); // the core answers 404
  await w.call('update', 'config', { jwt_validation_pubkeys: [pem], oidc_client_id: 'cid', oidc_client_secret: 'client-secret-value', bound_issuer: 'https://issuer.example' });
  const data = await w.data('read', 'config');
  assert.equal(JSON.stringify(data).includes('client-secret-value'), false);
  assert.equal('oidc_client_secret' in data, false);
  assert.deepEqual(data['jwt_validation_pubkeys'], [pem.trim()]);
  assert.equal(data['oidc_client_id'], 'cid');
  assert.equal(data['bound_issuer'], 'https://issuer.example');
});

test('roles: Vault validation, merge on update, read, list and delete', async () => {
  const w = createEngineWorld(createJwtBackend);
  assert.match((await w.fail('update', 'role/r', { role_type: 'jwt', bound_subject: 'x' })).message, /a user claim must be defined on the role/);
  assert.match((await w.fail('update', 'role/r', { role_type: 'jwt', user_claim: 'sub' })).message, /at least one bound constraint/);
  assert.match((await w.fail('update', 'role/r', { user_claim: 'sub' })).message, /'allowed_redirect_uris' must be set/);
  assert.match((await w.fail('update', 'role/r', { ...ROLE, claim_mappings: { email: 'role' } })).message, /reserved/);
  assert.match((await w.fail('update', 'role/r', { ...ROLE, clock_skew_leeway: 'soon' })).message, /clock_skew_leeway/);
  assert.equal(await w.call('list', 'role/'), undefined);
  await w.call('update', 'role/CI', { ...ROLE, bound_claims: { repository: 'octo-org/app' }, expiration_leeway: -1, not_before_leeway: '2m', token_ttl: '10m' });
  await w.call('update', 'role/ci', { groups_claim: 'groups' });
  const role = await w.data('read', 'role/ci');
  assert.equal(role['role_type'], 'jwt');
  assert.deepEqual(role['bound_claims'], { repository: ['octo-org/app'] });
  assert.equal(role['groups_claim'], 'groups');
  assert.equal(role['expiration_leeway'], -1);
  assert.equal(role['not_before_leeway'], 120);
  assert.equal(role['token_ttl'], 600);
  assert.deepEqual(role['token_policies'], ['ci']);
  assert.deepEqual((await w.data('list', 'role/'))['keys'], ['ci']);
  await w.call('delete', 'role/ci');
  assert.equal(await w.call('read', 'role/ci'), undefined);
});

test('login: leeways on exp, nbf and iat follow the role (fake clock)', async () => {
  await withJwks(async (w, jwks) => {
    const login = (jwt: string) => w.call('update', 'login', { role: 'ci', jwt });
    const iat = nowSeconds(w);
    const jwt = await signGithubToken({ key: jwks.current, issuedAt: iat, claims: { sub: 'repo:octo-org/app:ref:refs/heads/main' } });
    assert.equal((await login(jwt))?.auth?.alias?.name, 'repo:octo-org/app:ref:refs/heads/main');
    // exp = iat + 300; default leeways 60 s skew + 150 s expiration.
    w.clock.advance((300 + 60 + 150 - 1) * 1000);
    assert.ok((await login(jwt))?.auth);
    w.clock.advance(2000);
    assert.match((await w.fail('update', 'login', { role: 'ci', jwt })).message, /token is expired \(exp\)/);
    await w.call('update', 'role/ci', { expiration_leeway: -1, clock_skew_leeway: -1 });
    const fresh = await signGithubToken({ key: jwks.current, issuedAt: nowSeconds(w) });
    w.clock.advance(301_000);
    assert.match((await w.fail('update', 'login', { role: 'ci', jwt: fresh })).message, /token is expired/);
    const future = await signGithubToken({ key: jwks.current, issuedAt: nowSeconds(w) + 600 });
    assert.match((await w.fail('update', 'login', { role: 'ci', jwt: future })).message, /not valid yet|issued in the future/);
  });
});

test('login: the JWKS refetch on an unknown kid is rate-limited', async () => {
  await withJwks(async (w, jwks) => {
    const hits = jwks.jwksHits;
    const stranger = await makeSigningKey();
    const forged = await signGithubToken({ key: stranger, issuedAt: nowSeconds(w) });
    assert.match((await w.fail('update', 'login', { role: 'ci', jwt: forged })).message, /no known key/);
    assert.equal(jwks.jwksHits, hits + 1);
    for (let i = 0; i < 5; i += 1) await w.fail('update', 'login', { role: 'ci', jwt: forged });
    assert.equal(jwks.jwksHits, hits + 1);
    const rotated = await jwks.rotate();
    const good = await signGithubToken({ key: rotated, issuedAt: nowSeconds(w) });
    assert.match((await w.fail('update', 'login', { role: 'ci', jwt: good })).message, /no known key/);
    w.clock.advance(REFETCH_INTERVAL_MS);
    const good2 = await signGithubToken({ key: rotated, issuedAt: nowSeconds(w) });
    assert.ok((await w.call('update', 'login', { role: 'ci', jwt: good2 }))?.auth);
    assert.equal(jwks.jwksHits, hits + 2);
  });
});

test('login: static PEM keys, groups and metadata, bound CIDRs', async () => {
  const w = createEngineWorld(createJwtBackend);
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  await w.call('update', 'config', { jwt_validation_pubkeys: [await exportSPKI(publicKey)], jwt_supported_algs: ['ES256'], bound_issuer: 'https://k8s.example' });
  await w.call('update', 'role/app', {
    role_type: 'jwt', user_claim: '/kubernetes.io/serviceaccount/name', user_claim_json_pointer: true, bound_subject: 'system:serviceaccount:prod:app',
    groups_claim: 'groups', claim_mappings: { '/kubernetes.io/namespace': 'namespace' }, token_policies: 'app',
  });
  const sign = (claims: Record<string, unknown>, alg = 'ES256', key = privateKey) =>
    new SignJWT({ sub: 'system:serviceaccount:prod:app', groups: ['dev', 'ops'], 'kubernetes.io': { namespace: 'prod', serviceaccount: { name: 'app' } }, ...claims })
      .setProtectedHeader({ alg }).setIssuer('https://k8s.example').setIssuedAt(nowSeconds(w)).setExpirationTime(nowSeconds(w) + 600).sign(key);
  const res = await w.call('update', 'login', { role: 'app', jwt: await sign({}) });
  assert.equal(res?.auth?.alias?.name, 'app');
  assert.equal(res?.auth?.displayName, 'app', 'the user claim only: the core prefixes the mount path');
  assert.deepEqual(res?.auth?.metadata, { role: 'app', namespace: 'prod' });
  assert.deepEqual(res?.auth?.groupAliases, ['dev', 'ops'], 'the groups_claim values go to identity, not to metadata');
  const single = await w.call('update', 'login', { role: 'app', jwt: await sign({ groups: 'admins' }) });
  assert.deepEqual(single?.auth?.groupAliases, ['admins'], 'a single string is one group');
  assert.deepEqual((await w.call('update', 'login', { role: 'app', jwt: await sign({ groups: undefined }) }))?.auth?.groupAliases, [], 'no claim: no groups');
  assert.match((await w.fail('update', 'login', { role: 'app', jwt: await sign({ groups: { a: 1 } }) })).message, /could not be converted to string list/);
  assert.deepEqual(res?.auth?.policies, ['app', 'default']);
  assert.match((await w.fail('update', 'login', { role: 'app', jwt: await sign({ sub: 'system:serviceaccount:prod:other' }) })).message, /invalid subject/);
  // A token with aud needs bound_audiences on a jwt role.
  assert.match((await w.fail('update', 'login', { role: 'app', jwt: await sign({ aud: 'x' }) })).message, /no audiences bound to the role/);
  // An RS256 token is refused: only ES256 is allowed.
  const rsa = await generateKeyPair('RS256');
  assert.match((await w.fail('update', 'login', { role: 'app', jwt: await sign({}, 'RS256', rsa.privateKey) })).message, /signing algorithm not allowed/);
  await w.call('update', 'role/app', { token_bound_cidrs: '10.0.0.0/8' });
  assert.equal((await w.fail('update', 'login', { role: 'app', jwt: await sign({}) })).status, 403);
});

test('login: OIDC discovery supplies the JWKS and the issuer', async () => {
  const jwks = await startJwksServer();
  try {
    const w = createEngineWorld(createJwtBackend);
    await w.call('update', 'config', { oidc_discovery_url: jwks.url });
    await w.call('update', 'role/ci', ROLE);
    const ok = await signGithubToken({ key: jwks.current, issuedAt: nowSeconds(w), issuer: jwks.url });
    assert.ok((await w.call('update', 'login', { role: 'ci', jwt: ok }))?.auth);
    const otherIss = await signGithubToken({ key: jwks.current, issuedAt: nowSeconds(w) });
    assert.match((await w.fail('update', 'login', { role: 'ci', jwt: otherIss })).message, /invalid issuer/);
  } finally {
    await jwks.close();
  }
});

test('config: an https JWKS is trusted through jwks_ca_pem only', async () => {
  const pems = await generate([{ name: 'commonName', value: 'jwks.test' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const key = await makeSigningKey();
  const server = https.createServer({ cert: pems.cert, key: pems.private }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const jwksUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
    const w = createEngineWorld(createJwtBackend);
    assert.match((await w.fail('update', 'config', { jwks_url: jwksUrl })).message, /error fetching the JWKS/);
    await w.call('update', 'config', { jwks_url: jwksUrl, jwks_ca_pem: pems.cert });
    await w.call('update', 'role/ci', ROLE);
    const jwt = await signGithubToken({ key, issuedAt: nowSeconds(w) });
    assert.ok((await w.call('update', 'login', { role: 'ci', jwt }))?.auth);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('renewal: goes on while the role exists; refused once it is deleted', async () => {
  const w = createEngineWorld(createJwtBackend);
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  await w.call('update', 'config', { jwt_validation_pubkeys: [await exportSPKI(publicKey)], jwt_supported_algs: ['ES256'] });
  await w.call('update', 'role/deploy', { role_type: 'jwt', user_claim: 'sub', bound_subject: 'svc', token_policies: 'deploy' });
  const jwt = await new SignJWT({ sub: 'svc' }).setProtectedHeader({ alg: 'ES256' }).setIssuedAt(nowSeconds(w)).setExpirationTime(nowSeconds(w) + 60).sign(privateKey);
  const login = renewalOf((await w.call('update', 'login', { role: 'deploy', jwt }))?.auth, 'auth/jwt/login');
  // The JWT itself has expired by now: as in Vault, renewal does not present it again.
  w.clock.advance(3_600_000);
  await renews(w.backend, login);
  await w.call('delete', 'role/deploy');
  assert.equal(await renewRefusal(w.backend, login), 'role "deploy" does not exist during renewal');
});
