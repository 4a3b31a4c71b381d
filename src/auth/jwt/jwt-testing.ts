// src/auth/jwt — test support (not used in production code): a local JWKS/OIDC-discovery
// server on 127.0.0.1 whose signing key can be rotated, and tokens shaped exactly like
// GitHub Actions' OIDC tokens (claims and header) but signed by the test key.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export interface TestSigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function makeSigningKey(kid = randomUUID()): Promise<TestSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

export interface JwksServer {
  /** Base URL; the JWKS is at `${url}/.well-known/jwks`, discovery at `${url}/.well-known/openid-configuration`. */
  readonly url: string;
  readonly jwksUrl: string;
  /** The key tokens are signed with now. */
  current: TestSigningKey;
  /** GETs of the JWKS served so far. */
  jwksHits: number;
  /** Replaces the served key set with one new key (the old key is no longer published). */
  rotate(): Promise<TestSigningKey>;
  close(): Promise<void>;
}

export async function startJwksServer(): Promise<JwksServer> {
  const state = { current: await makeSigningKey(), hits: 0 };
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let body: unknown;
    if (req.url === '/.well-known/jwks') {
      state.hits += 1;
      body = { keys: [state.current.publicJwk] };
    } else if (req.url === '/.well-known/openid-configuration') {
      body = { issuer: base, jwks_uri: `${base}/.well-known/jwks`, id_token_signing_alg_values_supported: ['RS256'] };
    } else {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    jwksUrl: `${url}/.well-known/jwks`,
    get current() {
      return state.current;
    },
    set current(key: TestSigningKey) {
      state.current = key;
    },
    get jwksHits() {
      return state.hits;
    },
    set jwksHits(n: number) {
      state.hits = n;
    },
    async rotate() {
      state.current = await makeSigningKey();
      return state.current;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export interface GithubTokenOptions {
  readonly key: TestSigningKey;
  /** Seconds since the epoch the token is issued at (default: now). */
  readonly issuedAt?: number;
  readonly audience?: string;
  readonly repository?: string;
  readonly ref?: string;
  readonly issuer?: string;
  /** Claims to add or override. */
  readonly claims?: Record<string, unknown>;
}

/** A token with the claims and header GitHub Actions issues to a workflow job (5 minute lifetime). */
export async function signGithubToken(options: GithubTokenOptions): Promise<string> {
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const repository = options.repository ?? 'octo-org/octo-repo';
  const ref = options.ref ?? 'refs/heads/main';
  const [owner] = repository.split('/');
  const claims: Record<string, unknown> = {
    jti: randomUUID(),
    sub: `repo:${repository}:ref:${ref}`,
    ref,
    sha: 'd6b8a7c2f3e4b5a6978812345678901234567890',
    repository,
    repository_owner: owner,
    repository_owner_id: '65432',
    repository_visibility: 'private',
    repository_id: '123456',
    run_id: '9876543210',
    run_number: '42',
    run_attempt: '1',
    actor: 'octocat',
    actor_id: '583231',
    workflow: 'deploy',
    workflow_ref: `${repository}/.github/workflows/deploy.yml@${ref}`,
    workflow_sha: 'd6b8a7c2f3e4b5a6978812345678901234567890',
    job_workflow_ref: `${repository}/.github/workflows/deploy.yml@${ref}`,
    job_workflow_sha: 'd6b8a7c2f3e4b5a6978812345678901234567890',
    head_ref: '',
    base_ref: '',
    event_name: 'push',
    ref_type: 'branch',
    ref_protected: 'true',
    environment: 'production',
    runner_environment: 'github-hosted',
    ...options.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.key.kid, x5t: options.key.kid.slice(0, 27) })
    .setIssuer(options.issuer ?? GITHUB_ISSUER)
    .setAudience(options.audience ?? `https://github.com/${owner ?? 'octo-org'}`)
    .setIssuedAt(iat)
    .setNotBefore(iat - 5)
    .setExpirationTime(iat + 300)
    .sign(options.key.privateKey);
}
