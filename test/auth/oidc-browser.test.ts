// End to end: the OIDC browser login against a real OpenID provider (oidc-provider, PKCE
// required) started in the test. A plain-HTTP "browser" with a cookie jar follows the
// provider's redirects and completes login and consent through a custom interaction route;
// Arca's CLI half (loginWithOidc) listens for the redirect and finishes the login.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { ArcaClient } from '../../src/client/arca-client.js';
import { createJwtBackend } from '../../src/auth/jwt/jwt-backend.js';
import { oidcPaths } from '../../src/auth/jwt/oidc-paths.js';
import { loginWithOidc } from '../../src/cli/login-oidc.js';
import { FakeClock } from '../../src/lib/clock.js';
import { startTestServer } from '../http/start-test-server.js';

const CLIENT_ID = 'arca-test';
const CLIENT_SECRET = randomBytes(24).toString('hex');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function startProvider(redirectUris: string[]): Promise<{ issuer: string; close(): Promise<void> }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: redirectUris, grant_types: ['authorization_code'], response_types: ['code'] }],
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, email: 'alice@example.com', groups: ['eng', 'ops'] }) }),
    claims: { openid: ['sub'], email: ['email'], groups: ['groups'] },
    scopes: ['openid', 'email', 'groups'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(16).toString('hex')] },
  });
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return void handle(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        await provider.interactionFinished(req, res, { login: { accountId: 'alice' } }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = new provider.Grant({ accountId: details.session?.accountId ?? 'alice', clientId: CLIENT_ID });
      const missing = details.prompt.details['missingOIDCScope'];
      if (Array.isArray(missing)) grant.addOIDCScope(missing.join(' '));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    })().catch(() => res.writeHead(500).end());
  });
  return { issuer, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/**
 * A browser: follows redirects with a cookie jar from `url`. Stops (without requesting it)
 * at the first URL starting with `stopAt`, else at the first non-redirect answer.
 */
async function browse(url: string, stopAt?: string): Promise<URL> {
  const jar = new Map<string, string>();
  let current = new URL(url);
  for (let hop = 0; hop < 20; hop += 1) {
    if (stopAt !== undefined && current.href.startsWith(stopAt)) return current;
    // A browser resolves localhost itself; the listener is on the IPv4 loopback.
    const target = new URL(current.href);
    if (target.hostname === 'localhost') target.hostname = '127.0.0.1';
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(target, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair === undefined || eq < 1) continue;
      const value = pair.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(pair.slice(0, eq));
      else jar.set(pair.slice(0, eq), value);
    }
    await res.arrayBuffer();
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || location === null) return current;
    current = new URL(location, current);
  }
  throw new Error('too many redirects');
}

interface World {
  readonly arca: Awaited<ReturnType<typeof startTestServer>>;
  readonly plain: ArcaClient;
  readonly clock: FakeClock;
  readonly port: number;
  close(): Promise<void>;
}

const ALLOWED = 'http://localhost:8250/oidc/callback';

async function world(): Promise<World> {
  const port = await freePort();
  const idp = await startProvider([`http://localhost:${port}/oidc/callback`, ALLOWED]);
  const clock = new FakeClock(Date.now());
  const arca = await startTestServer({ dev: true, clock });
  // The jwt backend with the OIDC browser paths (added here unless the build already has them).
  arca.server.core.deps.registry.register({
    id: 'test.oidc-browser',
    type: 'oidc-browser-test',
    table: 'auth',
    factory: (env) => {
      const jwt = createJwtBackend(env);
      const extra = oidcPaths(env).filter((p) => !jwt.paths.some((q) => q.pattern === p.pattern));
      return { ...jwt, paths: [...jwt.paths, ...extra] };
    },
  });
  const root = arca.client;
  await root.write('sys/auth/oidc', { type: 'oidc-browser-test' });
  await root.write('auth/oidc/config', { oidc_discovery_url: idp.issuer, oidc_client_id: CLIENT_ID, oidc_client_secret: CLIENT_SECRET, default_role: 'people' });
  await root.write('auth/oidc/role/people', {
    role_type: 'oidc',
    user_claim: 'email',
    groups_claim: 'groups',
    oidc_scopes: ['email', 'groups'],
    allowed_redirect_uris: [ALLOWED],
    bound_claims: { groups: ['eng'] },
    claim_mappings: { sub: 'subject' },
    token_policies: ['people-read'],
  });
  const plain = new ArcaClient({ address: arca.server.address });
  return { arca, plain, clock, port, close: async () => { await arca.close(); await idp.close(); } };
}

/** auth_url → browser → the code and state the provider sends to the CLI's redirect URI. */
async function codeFor(w: World, clientNonce: string): Promise<{ state: string; code: string }> {
  const res = await w.plain.write('auth/oidc/oidc/auth_url', { role: 'people', redirect_uri: ALLOWED, client_nonce: clientNonce });
  const authUrl = (res.body as { data: { auth_url: string } }).data.auth_url;
  const landed = await browse(authUrl, ALLOWED);
  const state = landed.searchParams.get('state');
  const code = landed.searchParams.get('code');
  assert.ok(state && code, 'the provider redirected back with a code and state');
  return { state, code };
}

const callbackPath = (q: Record<string, string>): string => `auth/oidc/oidc/callback?${new URLSearchParams(q).toString()}`;

test('arca login -method=oidc: the browser flow ends with a token carrying the role policies and claims', async () => {
  const w = await world();
  try {
    const printed: string[] = [];
    const result = await loginWithOidc({
      client: new ArcaClient({ address: w.arca.server.address }),
      mount: 'oidc',
      port: w.port,
      print: (t) => printed.push(t),
      timeoutMs: 30_000,
      onAuthUrl: (url) => void browse(url).catch(() => undefined),
    });
    assert.match(printed.join(''), /Waiting for OIDC authentication/);
    assert.ok(!printed.join('').includes(result.token), 'the token is not printed by the flow');
    const me = new ArcaClient({ address: w.arca.server.address, token: result.token });
    const self = (await me.read('auth/token/lookup-self')).body as { data: Record<string, unknown> };
    assert.deepEqual(self.data['policies'], ['default', 'people-read']);
    assert.equal((self.data['meta'] as Record<string, string>)['role'], 'people');
    assert.equal((self.data['meta'] as Record<string, string>)['subject'], 'alice');
    assert.match(String(self.data['display_name']), /alice@example\.com/);
  } finally {
    await w.close();
  }
});

test('callback: a state works once; a replay, an unknown state and a wrong client_nonce are 400', async () => {
  const w = await world();
  try {
    const first = await codeFor(w, 'nonce-1');
    const wrongNonce = await w.plain.raw('GET', callbackPath({ ...first, client_nonce: 'other' }));
    assert.equal(wrongNonce.status, 400);
    assert.match(JSON.stringify(wrongNonce.body), /invalid client_nonce/);
    // The failed attempt consumed the state: a second try is a replay.
    const replay = await w.plain.raw('GET', callbackPath({ ...first, client_nonce: 'nonce-1' }));
    assert.equal(replay.status, 400);
    assert.match(JSON.stringify(replay.body), /Expired or missing OAuth state/);

    // The groups_claim reaches identity: the external group aliased to "eng" on auth/oidc/.
    const accessor = ((await w.arca.client.raw('GET', 'sys/auth')).body as { data: Record<string, { accessor: string }> }).data['oidc/']?.accessor;
    const eng = await w.arca.client.raw('POST', 'identity/group', { name: 'eng', type: 'external', policies: ['eng-read'] });
    const engId = (eng.body as { data: { id: string } }).data.id;
    assert.equal((await w.arca.client.raw('POST', 'identity/group-alias', { name: 'eng', mount_accessor: accessor, canonical_id: engId })).status, 200);
    const second = await codeFor(w, 'nonce-2');
    const ok = await w.plain.raw('GET', callbackPath({ ...second, client_nonce: 'nonce-2' }));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual((ok.body as { auth: { identity_policies: string[] } }).auth.identity_policies, ['eng-read']);
    const again = await w.plain.raw('GET', callbackPath({ ...second, client_nonce: 'nonce-2' }));
    assert.equal(again.status, 400);
    assert.ok(!JSON.stringify(again.body).includes(second.code), 'the code is not echoed');

    const unknown = await w.plain.raw('GET', callbackPath({ state: randomBytes(32).toString('base64url'), code: 'x' }));
    assert.equal(unknown.status, 400);
    assert.match(JSON.stringify(unknown.body), /Expired or missing OAuth state/);
  } finally {
    await w.close();
  }
});

test('callback: a state older than 10 minutes is refused', async () => {
  const w = await world();
  try {
    const { state, code } = await codeFor(w, 'n');
    w.clock.advance(10 * 60 * 1000 + 1);
    const late = await w.plain.raw('GET', callbackPath({ state, code, client_nonce: 'n' }));
    assert.equal(late.status, 400);
    assert.match(JSON.stringify(late.body), /Expired or missing OAuth state/);
  } finally {
    await w.close();
  }
});

test('auth_url: a redirect_uri the role does not allow, or an unknown role, is 400', async () => {
  const w = await world();
  try {
    const denied = await w.plain.raw('PUT', 'auth/oidc/oidc/auth_url', { role: 'people', redirect_uri: 'https://evil.example/cb' });
    assert.equal(denied.status, 400);
    assert.match(JSON.stringify(denied.body), /unauthorized redirect_uri/);
    const otherPath = await w.plain.raw('PUT', 'auth/oidc/oidc/auth_url', { role: 'people', redirect_uri: 'http://localhost:8250/elsewhere' });
    assert.equal(otherPath.status, 400);
    const loopbackPort = await w.plain.raw('PUT', 'auth/oidc/oidc/auth_url', { redirect_uri: 'http://localhost:9999/oidc/callback' });
    assert.equal(loopbackPort.status, 200, 'loopback redirect URIs match on any port');
    const noRole = await w.plain.raw('PUT', 'auth/oidc/oidc/auth_url', { role: 'nobody', redirect_uri: ALLOWED });
    assert.equal(noRole.status, 400);
    assert.match(JSON.stringify(noRole.body), /could not be found/);
  } finally {
    await w.close();
  }
});
