// HTTP end-to-end security cases: authentication, least-privilege policies, the seal gate,
// encryption at rest (no plaintext in any data file) and the audit trail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { ArcaClient } from '../../src/client/arca-client.js';
import { startServer } from '../../src/main/start-server.js';
import { startTestServer } from './start-test-server.js';

test('no token, a wrong token and a token without the capability are all 403', async () => {
  const t = await startTestServer();
  try {
    const anon = new ArcaClient({ address: t.server.address });
    assert.deepEqual((await anon.raw('GET', 'secret/data/x')).body, { errors: ['permission denied'] });
    assert.equal((await anon.raw('GET', 'secret/data/x')).status, 403);
    const wrong = new ArcaClient({ address: t.server.address, token: 'hvs.not-a-token' });
    assert.equal((await wrong.raw('GET', 'secret/data/x')).status, 403);

    await t.client.write('sys/policies/acl/app-read', { policy: 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}\n' });
    await t.client.write('secret/data/app/one', { data: { v: '1' } });
    await t.client.write('secret/data/other', { data: { v: '2' } });
    const created = await t.client.write('auth/token/create', { policies: ['app-read'], ttl: '1h' });
    const auth = (created.body as { auth: { client_token: string; policies: string[]; lease_duration: number } }).auth;
    assert.deepEqual(auth.policies, ['app-read', 'default']);
    assert.equal(auth.lease_duration, 3600);
    const app = new ArcaClient({ address: t.server.address, token: auth.client_token });
    assert.equal((await app.raw('GET', 'secret/data/app/one')).status, 200);
    assert.equal((await app.raw('PUT', 'secret/data/app/one', { data: { v: 'x' } })).status, 403);
    assert.equal((await app.raw('GET', 'secret/data/other')).status, 403);
    assert.equal((await app.raw('GET', 'sys/mounts')).status, 403);
    const self = await app.read('auth/token/lookup-self');
    const data = (self.body as { data: { policies: string[]; ttl: number; type: string } }).data;
    assert.equal(data.type, 'service');
    assert.equal(typeof data.ttl, 'number');
    const caps = await app.write('sys/capabilities-self', { paths: ['secret/data/app/one', 'secret/data/other'] });
    const capData = (caps.body as { data: Record<string, string[]> }).data;
    assert.deepEqual(capData['secret/data/app/one'], ['read']);
    assert.deepEqual(capData['secret/data/other'], ['deny']);
    // The KV preflight shows a mount only to a token that can reach something under it.
    await t.client.write('sys/mounts/hidden', { type: 'kv', options: { version: '2' } });
    const ui = await app.raw('GET', 'sys/internal/ui/mounts/secret/app/one');
    assert.equal(ui.status, 200);
    assert.equal((ui.body as { data: { options: { version: string }; path: string } }).data.options.version, '2');
    assert.equal((await app.raw('GET', 'sys/internal/ui/mounts/hidden/x')).status, 403);
    // Revoking the token makes it useless at once.
    await app.write('auth/token/revoke-self', {});
    assert.equal((await app.raw('GET', 'secret/data/app/one')).status, 403);
  } finally {
    await t.close();
  }
});

test('malformed input gets a 4xx and changes nothing', async () => {
  const t = await startTestServer({ dev: true, env: {} });
  try {
    const url = `${t.server.address}/v1/secret/data/k`;
    const headers = { 'X-Vault-Token': t.server.rootToken };
    for (const body of ['{bad', '[1,2]', '"str"', '{"data": ' + '['.repeat(200) + ']'.repeat(200) + '}']) {
      const res = await fetch(url, { method: 'POST', headers, body });
      assert.equal(res.status, 400, body.slice(0, 20));
      assert.match(((await res.json()) as { errors: string[] }).errors[0] ?? '', /JSON/);
    }
    // The parse error must not quote the body: it may hold the very secret being written.
    const leaky = await fetch(url, { method: 'POST', headers, body: '{"data": {"password": hunter2-secret}}' });
    assert.equal(leaky.status, 400);
    assert.equal((await leaky.text()).includes('hunter2'), false);
    const wrongType = await t.client.raw('PUT', 'secret/data/k', { data: 'not-a-map' });
    assert.equal(wrongType.status, 400);
    const badMethod = await fetch(url, { method: 'OPTIONS', headers });
    assert.equal(badMethod.status, 405);
    const outside = await fetch(`${t.server.address}/v2/x`, { headers });
    assert.equal(outside.status, 404);
    assert.equal((await t.client.raw('GET', 'nomount/x')).status, 404);
    assert.equal((await t.client.raw('GET', 'secret/data/k')).status, 404);
  } finally {
    await t.close();
  }
});

test('oversized bodies get 413', async () => {
  const t = await startTestServer({ env: { ARCA_MAX_REQUEST_SIZE: '4096', ARCA_STORAGE: 'inmem' } });
  try {
    const res = await fetch(`${t.server.address}/v1/secret/data/big`, {
      method: 'POST',
      headers: { 'X-Vault-Token': t.server.rootToken },
      body: JSON.stringify({ data: { v: 'x'.repeat(10_000) } }),
    });
    assert.equal(res.status, 413);
    assert.equal((await t.client.raw('GET', 'secret/data/big')).status, 404);
  } finally {
    await t.close();
  }
});

test('sealing refuses every other endpoint with 503; health reports it', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('sys/seal', {});
    const res = await t.client.raw('GET', 'secret/data/x');
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { errors: ['Vault is sealed'] });
    const status = (await t.client.read('sys/seal-status')).body as { sealed: boolean; initialized: boolean };
    assert.equal(status.sealed, true);
    assert.equal(status.initialized, true);
    assert.equal((await t.client.raw('GET', 'sys/health')).status, 503);
    assert.equal((await t.client.raw('GET', 'sys/health?sealedcode=200')).status, 200);
  } finally {
    await t.close();
  }
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('key-file seal on SQLite: first start initialises, restart unseals, no plaintext in any data file, audit is HMACd', async () => {
  const t = await startTestServer({ env: {} });
  const marker = `marker-${randomBytes(12).toString('hex')}`;
  try {
    assert.ok(t.server.rootTokenFile);
    assert.equal(statSync(t.server.rootTokenFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(t.dataDir, 'unseal.key')).mode & 0o777, 0o600);
    assert.equal(readFileSync(t.server.rootTokenFile, 'utf8').trim(), t.server.rootToken);
    const auditFile = join(t.dataDir, 'audit.log');
    await t.client.write('sys/audit/file', { type: 'file', options: { file_path: auditFile } });
    await t.client.write('secret/data/proof', { data: { value: marker } });
    assert.equal(((await t.client.read('secret/data/proof')).body as { data: { data: { value: string } } }).data.data.value, marker);

    const addr = t.server.address;
    await t.server.close();
    for (const file of filesUnder(t.dataDir)) {
      assert.equal(readFileSync(file).includes(marker), false, `plaintext secret found in ${file}`);
    }
    const audit = readFileSync(auditFile, 'utf8');
    assert.match(audit, /hmac-sha256:/);
    assert.equal(audit.includes(t.server.rootToken), false);

    const again = await startServer({ listenAddress: '127.0.0.1:0', logLevel: 'silent', cwd: t.dataDir, env: { ARCA_DATA_DIR: t.dataDir } });
    try {
      assert.equal(again.core.sealed, false);
      assert.equal(again.rootToken, '');
      const c = new ArcaClient({ address: again.address, token: t.server.rootToken });
      assert.equal(((await c.read('secret/data/proof')).body as { data: { data: { value: string } } }).data.data.value, marker);
      assert.notEqual(again.address, '');
    } finally {
      await again.close();
    }
    void addr;
  } finally {
    await t.close().catch(() => undefined);
  }
});

test('access log: one JSON line per request with id, path, status and duration, never a value', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const t = await startTestServer({ dev: true, logLevel: 'debug', logDestination: sink });
  const marker = `value-${randomBytes(8).toString('hex')}`;
  try {
    await t.client.write('secret/data/logged', { data: { password: marker } });
    await t.client.raw('GET', 'secret/data/missing');
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r['msg'] === 'request');
    const write = records.find((r) => r['path'] === 'secret/data/logged');
    assert.equal(write?.['status'], 200);
    assert.equal(typeof write?.['requestId'], 'string');
    assert.equal(typeof write?.['durationMs'], 'number');
    assert.equal(records.find((r) => r['path'] === 'secret/data/missing')?.['status'], 404);
    assert.equal(lines.some((l) => l.includes(marker)), false);
    assert.equal(lines.some((l) => l.includes(t.server.rootToken)), false);
  } finally {
    await t.close();
  }
});

test('a token with bound CIDRs works only from inside them', async () => {
  const t = await startTestServer();
  try {
    const mintFor = async (cidrs: string[]): Promise<string> => {
      const created = await t.server.core.tokens.createForLogin(
        { policies: ['default'], displayName: 'bound', metadata: {}, ttl: 600, maxTtl: 0, period: 0, explicitMaxTtl: 0, numUses: 0, renewable: true, boundCidrs: cidrs },
        { path: 'auth/test/login', mountAccessor: 'test_0000', mountConfig: { defaultLeaseTtl: 600, maxLeaseTtl: 600 } },
      );
      return created.token;
    };
    const outside = new ArcaClient({ address: t.server.address, token: await mintFor(['10.0.0.0/8']) });
    assert.equal((await outside.raw('GET', 'auth/token/lookup-self')).status, 403);
    const inside = new ArcaClient({ address: t.server.address, token: await mintFor(['127.0.0.1/32', '::1/128']) });
    assert.equal((await inside.raw('GET', 'auth/token/lookup-self')).status, 200);
  } finally {
    await t.close();
  }
});

test('refused requests are audited (request and response records with the error), the token HMACd', async () => {
  const t = await startTestServer({ env: {} });
  try {
    const auditFile = join(t.dataDir, 'denied-audit.log');
    await t.client.write('sys/audit/file', { type: 'file', options: { file_path: auditFile } });
    const forged = `hvs.forged-${randomBytes(8).toString('hex')}`;
    const wrong = new ArcaClient({ address: t.server.address, token: forged });
    assert.equal((await wrong.raw('GET', 'secret/data/x')).status, 403);
    const created = await t.client.write('auth/token/create', { policies: ['default'], ttl: '1h' });
    const limited = new ArcaClient({ address: t.server.address, token: (created.body as { auth: { client_token: string } }).auth.client_token });
    assert.equal((await limited.raw('PUT', 'secret/data/x', { data: { password: 'never-logged-in-clear' } })).status, 403);

    const text = readFileSync(auditFile, 'utf8');
    assert.equal(text.includes(forged), false, 'the forged token is HMACd');
    assert.equal(text.includes('never-logged-in-clear'), false, 'the refused body is HMACd');
    type Line = { type: string; error?: string; auth?: { accessor: string }; request: { path: string; operation: string; client_token: string }; response?: { status?: number } };
    const denied = text.trim().split('\n').map((l) => JSON.parse(l) as Line).filter((l) => l.error === 'permission denied');
    const forForged = denied.filter((l) => l.request.operation === 'read');
    assert.deepEqual(forForged.map((l) => l.type), ['request', 'response']);
    assert.match(forForged[0]?.request.client_token ?? '', /^hmac-sha256:/);
    assert.equal(forForged[1]?.response?.status, 403);
    const forLimited = denied.filter((l) => l.request.operation !== 'read');
    assert.deepEqual(forLimited.map((l) => l.type), ['request', 'response']);
    assert.match(forLimited[0]?.auth?.accessor ?? '', /^hmac-sha256:/, "the caller's accessor is recorded (HMACd)");
    assert.equal(forLimited[0]?.request.path, 'secret/data/x');
  } finally {
    await t.close();
  }
});

test('fail closed through the pipeline: with no device able to write, reads answer no secret and writes change nothing', async () => {
  const t = await startTestServer({ env: {} });
  try {
    const logDir = join(t.dataDir, 'audit-logs');
    mkdirSync(logDir);
    await t.client.write('sys/audit/file', { type: 'file', options: { file_path: join(logDir, 'audit.log') } });
    await t.client.write('secret/data/guarded', { data: { value: 'before-the-outage' } });
    rmSync(logDir, { recursive: true });
    await t.server.core.audit.reload(); // the reopen fails: the directory is gone

    const read = await t.client.raw('GET', 'secret/data/guarded');
    assert.equal(read.status, 500);
    assert.equal(JSON.stringify(read.body).includes('before-the-outage'), false, 'a pure read still answers no secret');
    const write = await t.client.raw('PUT', 'secret/data/guarded', { data: { value: 'during-the-outage' } });
    assert.equal(write.status, 500);

    mkdirSync(logDir);
    await t.server.core.audit.reload();
    const after = await t.client.read('secret/data/guarded');
    assert.equal((after.body as { data: { data: { value: string }; metadata: { version: number } } }).data.data.value, 'before-the-outage');
    assert.equal((after.body as { data: { metadata: { version: number } } }).data.metadata.version, 1, 'the refused write was never applied');
  } finally {
    await t.close();
  }
});

test('a read that answers 404 is audited (request and response) before the answer leaves', async () => {
  const t = await startTestServer({ env: {} });
  try {
    const auditFile = join(t.dataDir, 'notfound-audit.log');
    await t.client.write('sys/audit/file', { type: 'file', options: { file_path: auditFile } });
    const before = readFileSync(auditFile, 'utf8').split('\n').filter((l) => l !== '').length;
    const missing = await t.client.raw('GET', 'secret/data/does-not-exist');
    assert.equal(missing.status, 404);
    // Read right after the answer: both records are already in the file.
    const lines = readFileSync(auditFile, 'utf8').split('\n').filter((l) => l !== '').slice(before);
    type Line = { type: string; request: { path: string }; response?: { status?: number } };
    const records = lines.map((l) => JSON.parse(l) as Line).filter((l) => l.request.path === 'secret/data/does-not-exist');
    assert.deepEqual(records.map((r) => r.type), ['request', 'response']);
    assert.equal(records[1]?.response?.status, 404);
  } finally {
    await t.close();
  }
});
