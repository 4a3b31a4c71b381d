// HTTP tests: what the mount and audit configuration leave in clear in the file audit
// device's records — a mount's audit_non_hmac_request_keys / audit_non_hmac_response_keys
// (sys/mounts/:path/tune, sys/mounts listing) and the audited request headers
// (sys/config/auditing/request-headers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer } from './start-test-server.js';
import { ArcaClient } from '../../src/client/arca-client.js';
import type { RunningServer } from '../../src/main/start-server.js';
import { skipUnlessService } from '../support/services.js';
import { startPostgresNodes } from '../support/postgres-nodes.js';

interface Line {
  readonly type: string;
  readonly request: { path: string; data?: Record<string, unknown>; headers?: Record<string, string[]> };
  readonly response?: { data?: Record<string, unknown> };
}

function lines(file: string): Line[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
}

const HMAC = /^hmac-sha256:[0-9a-f]{64}$/;

test('a tuned mount writes its audit_non_hmac keys in clear; every other value stays HMACd', async () => {
  const t = await startTestServer();
  try {
    const auditFile = join(t.dataDir, 'audit.log');
    await t.client.write('sys/audit/file', { type: 'file', options: { file_path: auditFile } });
    await t.client.write('sys/mounts/kv1', { type: 'kv', config: { audit_non_hmac_request_keys: 'username' } });
    await t.client.write('sys/mounts/kv1/tune', { audit_non_hmac_response_keys: ['username', 'note'] });

    const tuned = await t.client.request('GET', 'sys/mounts/kv1/tune');
    const tunedData = (tuned.body as { data: Record<string, unknown> }).data;
    assert.deepEqual(tunedData['audit_non_hmac_request_keys'], ['username']);
    assert.deepEqual(tunedData['audit_non_hmac_response_keys'], ['username', 'note']);
    const listing = (await t.client.request('GET', 'sys/mounts')).body as { data: Record<string, { config: Record<string, unknown> }> };
    assert.deepEqual(listing.data['kv1/']?.config['audit_non_hmac_request_keys'], ['username']);
    assert.equal('audit_non_hmac_request_keys' in (listing.data['secret/']?.config ?? {}), false, 'shown only when set');

    await t.client.write('kv1/app', { username: 'alice', password: 'pw-never-clear', note: 'n-1' });
    await t.client.request('GET', 'kv1/app');
    const records = lines(auditFile).filter((l) => l.request.path === 'kv1/app');
    const write = records.find((l) => l.type === 'request' && l.request.data?.['username'] !== undefined);
    assert.equal(write?.request.data?.['username'], 'alice');
    assert.match(String(write?.request.data?.['password']), HMAC);
    assert.match(String(write?.request.data?.['note']), HMAC, 'note is a response key only');
    const read = records.find((l) => l.type === 'response' && l.response?.data?.['password'] !== undefined);
    assert.equal(read?.response?.data?.['username'], 'alice');
    assert.equal(read?.response?.data?.['note'], 'n-1');
    assert.match(String(read?.response?.data?.['password']), HMAC);
    assert.equal(readFileSync(auditFile, 'utf8').includes('pw-never-clear'), false);

    // Another mount is untouched; clearing the setting (Vault's "") restores hashing.
    await t.client.write('sys/mounts/kv1/tune', { audit_non_hmac_request_keys: '' });
    const cleared = (await t.client.request('GET', 'sys/mounts/kv1/tune')).body as { data: Record<string, unknown> };
    assert.equal('audit_non_hmac_request_keys' in cleared.data, false);
    await t.client.write('kv1/other', { username: 'bob' });
    const after = lines(auditFile).find((l) => l.type === 'request' && l.request.path === 'kv1/other');
    assert.match(String(after?.request.data?.['username']), HMAC);

    const bad = await t.client.raw('POST', 'sys/mounts/kv1/tune', { audit_non_hmac_request_keys: [{ x: 1 }] });
    assert.equal(bad.status, 400);
  } finally {
    await t.close();
  }
});

test('audited request headers: configured ones are recorded (HMACd unless hmac=false), never the token', async () => {
  const t = await startTestServer();
  try {
    const auditFile = join(t.dataDir, 'audit.log');
    await t.client.write('sys/audit/file', { type: 'file', options: { file_path: auditFile } });
    await t.client.write('sys/config/auditing/request-headers/X-Forwarded-For', { hmac: false });
    await t.client.write('sys/config/auditing/request-headers/X-Request-Secret', { hmac: true });
    await t.client.write('sys/config/auditing/request-headers/Authorization', { hmac: false });
    await t.client.write('sys/config/auditing/request-headers/X-Vault-Token', { hmac: false });

    const all = (await t.client.request('GET', 'sys/config/auditing/request-headers')).body as { data: { headers: Record<string, { hmac: boolean }> } };
    assert.deepEqual(all.data.headers['x-forwarded-for'], { hmac: false });
    assert.deepEqual(all.data.headers['x-request-secret'], { hmac: true });
    const one = (await t.client.request('GET', 'sys/config/auditing/request-headers/X-Request-Secret')).body as { data: Record<string, unknown> };
    assert.deepEqual(one.data, { 'X-Request-Secret': { hmac: true } });
    assert.equal((await t.client.raw('GET', 'sys/config/auditing/request-headers/X-Missing')).status, 400);

    const extra = { 'X-Forwarded-For': '10.1.2.3', 'X-Request-Secret': 'rs-never-clear', 'X-Not-Audited': 'nope' };
    // Writes: a read answered 404 is not a fit here (its response record is not written, see the report).
    await t.client.request('PUT', 'secret/data/h', { data: { a: '1' } }, extra);
    // The token sent as Authorization: Bearer is the caller's token: never recorded.
    const bearer = new ArcaClient({ address: t.server.address, token: '' });
    const viaHeader = await bearer.raw('PUT', 'secret/data/h', { data: { a: '2' } }, { Authorization: `Bearer ${t.server.rootToken}`, 'X-Forwarded-For': '10.9.9.9' });
    assert.equal(viaHeader.status, 200);

    const text = readFileSync(auditFile, 'utf8');
    assert.equal(text.includes(t.server.rootToken), false, 'the token never appears, HMACd or as a header');
    assert.equal(text.includes('rs-never-clear'), false);
    const writes = lines(auditFile).filter((l) => l.request.path === 'secret/data/h');
    assert.equal(writes.length, 4, 'a request and a response record for each write');
    const first = writes[0]?.request.headers ?? {};
    assert.deepEqual(first['x-forwarded-for'], ['10.1.2.3']);
    assert.match(first['x-request-secret']?.[0] ?? '', HMAC);
    assert.equal('x-not-audited' in first, false);
    assert.equal('x-vault-token' in first, false);
    const viaBearer = writes.find((l) => l.request.headers?.['x-forwarded-for']?.[0] === '10.9.9.9');
    assert.ok(viaBearer, 'the Bearer request is recorded');
    assert.equal('authorization' in (viaBearer?.request.headers ?? {}), false, 'a Bearer value is dropped, as Vault does');

    // Deleting a header stops it being recorded; the setting survives a restart of the config.
    await t.client.request('DELETE', 'sys/config/auditing/request-headers/X-Forwarded-For');
    const left = (await t.client.request('GET', 'sys/config/auditing/request-headers')).body as { data: { headers: Record<string, unknown> } };
    assert.equal('x-forwarded-for' in left.data.headers, false);
    await t.server.core.mounts.auditedHeaders.load();
    assert.deepEqual(t.server.core.mounts.auditedHeaders.get('x-request-secret'), { hmac: true }, 'persisted above the barrier');
  } finally {
    await t.close();
  }
});

test('audited headers and non-HMAC keys set on one node apply on another sharing PostgreSQL', { skip: await skipUnlessService('PostgreSQL', 5432) }, async () => {
  const cluster = await startPostgresNodes(2);
  const [a, b] = cluster.nodes as [RunningServer, RunningServer];
  try {
    const rootA = new ArcaClient({ address: a.address, token: a.rootToken });
    await rootA.write('sys/config/auditing/request-headers/X-Trace', { hmac: false });
    await eventually(() => b.core.mounts.auditedHeaders.get('x-trace')?.hmac === false, 'B loads the audited header');
    await rootA.write('sys/mounts/secret/tune', { audit_non_hmac_request_keys: ['user'] });
    await eventually(() => b.core.mounts.find('mounts', 'secret')?.config.audit_non_hmac_request_keys?.[0] === 'user', 'B loads the tuned keys');
  } finally {
    await cluster.close();
  }
});

async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
