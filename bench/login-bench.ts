// bench — logins per second (issue 3): userpass, approle and jwt on a fresh SQLite node
// with the file audit device on, each loaded at LOGIN_CONCURRENCY from its own load-worker
// process. Set-up goes through the HTTP API like a client. Lockout is disabled on each
// mount (sys/auth/<path>/tune user_lockout_config.lockout_disable) so the measured logins
// are the plain path; the per-address throttle counts failures only, and every login here
// succeeds (a login counts only as a 200 with auth.client_token; errors are printed).
import { join } from 'node:path';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { PASSWORD_HASH_OPTIONS } from '../src/auth/userpass/password-hash.js';
import { HostHandle } from './host-handle.js';
import { loadInChild } from './load-child.js';
import { benchCall } from './bench-http.js';
import { benchFormat as f } from './bench-format.js';
import type { LoadResult, LoginSpec } from './bench-protocol.js';

export const LOGIN_CONCURRENCY = 16;
/** Distinct JWTs signed per second of load (warm-up included): above any jwt login rate seen. */
const JWTS_PER_SECOND = 2500;
const POLICY = 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}';

export interface LoginLoadTiming {
  readonly warmupMs: number;
  readonly durationMs: number;
}

/** The userpass cost line, from the parameters the method actually hashes with. */
export function argon2Cost(): string {
  const o = PASSWORD_HASH_OPTIONS;
  return `argon2id m=${o.memoryCost ?? '?'} KiB, t=${o.timeCost ?? '?'}, p=${o.parallelism ?? '?'}`;
}

async function enable(base: string, root: string, path: string, type: string): Promise<void> {
  await benchCall(base, root, 'POST', `/v1/sys/auth/${path}`, { type });
  await benchCall(base, root, 'POST', `/v1/sys/auth/${path}/tune`, { user_lockout_config: { lockout_disable: true } });
}

async function setupUserpass(base: string, root: string): Promise<LoginSpec> {
  await enable(base, root, 'userpass', 'userpass');
  const password = 'bench-password-0123456789';
  await benchCall(base, root, 'POST', '/v1/auth/userpass/users/bench', { password, token_policies: ['app'] });
  return { method: 'userpass', mount: 'userpass', username: 'bench', password };
}

async function setupApprole(base: string, root: string): Promise<LoginSpec> {
  await enable(base, root, 'approle', 'approle');
  await benchCall(base, root, 'POST', '/v1/auth/approle/role/bench', { token_policies: ['app'], secret_id_num_uses: 0 });
  const roleId = (JSON.parse((await benchCall(base, root, 'GET', '/v1/auth/approle/role/bench/role-id')).text) as { data: { role_id: string } }).data.role_id;
  const secret = await benchCall(base, root, 'POST', '/v1/auth/approle/role/bench/secret-id', {});
  const secretId = (JSON.parse(secret.text) as { data: { secret_id: string } }).data.secret_id;
  return { method: 'approle', mount: 'approle', roleId, secretId };
}

async function setupJwt(base: string, root: string, timing: LoginLoadTiming): Promise<LoginSpec> {
  await enable(base, root, 'jwt', 'jwt');
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const issuer = 'https://ci.bench.example';
  const audience = 'arca-bench';
  await benchCall(base, root, 'POST', '/v1/auth/jwt/config', {
    jwt_validation_pubkeys: [await exportSPKI(publicKey)], jwt_supported_algs: ['ES256'], bound_issuer: issuer,
  });
  await benchCall(base, root, 'POST', '/v1/auth/jwt/role/bench', {
    role_type: 'jwt', user_claim: 'sub', bound_audiences: [audience], token_policies: ['app'],
  });
  const tokens = Math.ceil((JWTS_PER_SECOND * (timing.warmupMs + timing.durationMs)) / 1000);
  return { method: 'jwt', mount: 'jwt', role: 'bench', privateKeyPem: await exportPKCS8(privateKey), issuer, audience, tokens };
}

function loginLoad(base: string, login: LoginSpec, timing: LoginLoadTiming): Promise<LoadResult> {
  return loadInChild({
    baseUrl: base, kind: 'login', login, path: '', token: '', concurrency: LOGIN_CONCURRENCY,
    warmupMs: timing.warmupMs, durationMs: timing.durationMs, valueBytes: 0,
  });
}

/** Prints one line per login method; `dataDir` is a fresh directory the caller removes. */
export async function benchLogins(dataDir: string, timing: LoginLoadTiming): Promise<LoadResult[]> {
  const host = await HostHandle.start({ mode: 'arca', dataDir, storage: 'sqlite' });
  try {
    const base = host.address;
    const root = host.rootToken;
    await benchCall(base, root, 'PUT', '/v1/sys/policies/acl/app', { policy: POLICY });
    await benchCall(base, root, 'PUT', '/v1/sys/audit/file', { type: 'file', options: { file_path: join(dataDir, 'audit.log') } });
    const methods: { label: string; login: LoginSpec }[] = [
      { label: 'userpass login', login: await setupUserpass(base, root) },
      { label: 'approle login', login: await setupApprole(base, root) },
      { label: 'jwt login (ES256)', login: await setupJwt(base, root, timing) },
    ];
    const results: LoadResult[] = [];
    for (const { label, login } of methods) {
      const result = await loginLoad(base, login, timing);
      const note = login.method === 'userpass' ? `  (${argon2Cost()})` : login.method === 'jwt' ? `  (${login.tokens.toLocaleString('en-US')} distinct JWTs signed before the clock)` : '';
      console.log(`  ${f.load(label, result)}${note}`);
      results.push(result);
    }
    console.log(`  server rss after the logins: ${f.mb(await host.rss())}`);
    return results;
  } finally {
    await host.close();
  }
}
