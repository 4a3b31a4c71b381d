// bench — prepares a fresh Arca node for the KV benchmarks through its HTTP API, as a
// client would: a policy of ~20 path rules, the file audit device, one 1 KiB secret and a
// non-root token holding only that policy. Returns the token and the read response's size
// (the ceiling server answers a body of the same size).
import { join } from 'node:path';
import { benchCall as call } from './bench-http.js';

export interface ArcaFixture {
  readonly token: string;
  readonly readPath: string;
  readonly readBodyBytes: number;
}

const RULES = 20;

function policyText(): string {
  const rules: string[] = [];
  for (let i = 0; i < RULES - 2; i++) rules.push(`path "secret/data/team-${i}/*" {\n  capabilities = ["read", "list"]\n}`);
  rules.push('path "secret/metadata/bench/*" {\n  capabilities = ["read", "list"]\n}');
  rules.push('path "secret/data/bench/*" {\n  capabilities = ["create", "read", "update"]\n}');
  return rules.join('\n');
}

export async function setupArca(base: string, rootToken: string, auditDir: string): Promise<ArcaFixture> {
  await call(base, rootToken, 'PUT', '/v1/sys/policies/acl/bench', { policy: policyText() });
  await call(base, rootToken, 'PUT', '/v1/sys/audit/file', { type: 'file', options: { file_path: join(auditDir, 'audit.log') } });
  await call(base, rootToken, 'POST', '/v1/secret/data/bench/read', { data: { value: 's'.repeat(1024) } });
  const created = await call(base, rootToken, 'POST', '/v1/auth/token/create', { policies: ['bench'], ttl: '24h' });
  const token = (JSON.parse(created.text) as { auth: { client_token: string } }).auth.client_token;
  const readPath = '/v1/secret/data/bench/read';
  const read = await call(base, token, 'GET', readPath);
  return { token, readPath, readBodyBytes: Buffer.byteLength(read.text) };
}
