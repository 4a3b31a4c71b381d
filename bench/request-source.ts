// bench — what the load generator sends: one request shape per LoadSpec kind, built before
// the clock starts. For jwt logins that means signing every JWT up front, so the figure is
// the server's verification and token minting, not the client's signing.
import { importPKCS8, SignJWT } from 'jose';
import type { LoadSpec, LoginSpec } from './bench-protocol.js';

export interface BenchRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string | undefined;
}

/** The `n`th request of a load. */
export type RequestSource = (n: number) => BenchRequest;

async function signJwts(login: Extract<LoginSpec, { method: 'jwt' }>): Promise<string[]> {
  const key = await importPKCS8(login.privateKeyPem, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  const out: string[] = [];
  for (let i = 0; i < login.tokens; i++) {
    out.push(
      await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(login.issuer)
        .setAudience(login.audience)
        .setSubject('bench-ci')
        .setJti(`bench-${process.pid}-${i}`)
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(key),
    );
  }
  return out;
}

async function loginSource(login: LoginSpec): Promise<RequestSource> {
  const post = (path: string, body: unknown): BenchRequest => ({ method: 'POST', path, body: JSON.stringify(body) });
  switch (login.method) {
    case 'userpass': {
      const request = post(`/v1/auth/${login.mount}/login/${encodeURIComponent(login.username)}`, { password: login.password });
      return () => request;
    }
    case 'approle': {
      const request = post(`/v1/auth/${login.mount}/login`, { role_id: login.roleId, secret_id: login.secretId });
      return () => request;
    }
    case 'jwt': {
      const requests = (await signJwts(login)).map((jwt) => post(`/v1/auth/${login.mount}/login`, { role: login.role, jwt }));
      // Past the pool the JWTs repeat (the pool is sized so a run does not get there).
      return (n) => requests[n % requests.length] as BenchRequest;
    }
  }
}

export async function requestSource(spec: LoadSpec): Promise<RequestSource> {
  switch (spec.kind) {
    case 'get':
      return () => ({ method: 'GET', path: spec.path, body: undefined });
    case 'kv-write': {
      const value = 'v'.repeat(spec.valueBytes);
      return (n) => ({ method: 'POST', path: `${spec.path}${process.pid}-${n}`, body: JSON.stringify({ data: { value } }) });
    }
    case 'token-create': {
      const body = JSON.stringify({ policies: ['bench'], ttl: '1h' });
      return () => ({ method: 'POST', path: spec.path, body });
    }
    case 'login':
      if (!spec.login) throw new Error('a login load needs its LoginSpec');
      return loginSource(spec.login);
  }
}
