// A real server (SQLite file, key-file seal) restarted over the same data directory: a file
// audit log whose tail was cut while it was down is reported at unseal — a record in the log
// itself and arca_audit_log_cuts_detected in sys/metrics — and the server still serves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/main/start-server.js';
import { ArcaClient } from '../../src/client/arca-client.js';
import { verifyAuditLog } from '../../src/audit/verify-audit-log.js';

function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : Number.NaN;
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

test('a file audit log cut while the server was down is reported at the next start', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'arca-checkpoint-'));
  const auditFile = join(dataDir, 'audit.log');
  const start = (): Promise<RunningServer> =>
    startServer({ listenAddress: '127.0.0.1:0', logLevel: 'silent', cwd: dataDir, env: { ARCA_DATA_DIR: dataDir } });
  const rootToken = (): string => readFileSync(join(dataDir, 'root-token'), 'utf8').trim();
  const cuts = async (client: ArcaClient): Promise<number> =>
    sample(String((await client.raw('GET', 'sys/metrics?format=prometheus')).body), 'arca_audit_log_cuts_detected');
  let server: RunningServer | undefined;
  try {
    server = await start();
    let client = new ArcaClient({ address: server.address, token: rootToken() });
    await client.write('sys/audit/file', { type: 'file', options: { file_path: auditFile } });
    await client.write('secret/data/a', { data: { v: '1' } });
    await client.request('GET', 'secret/data/a');
    assert.equal(await cuts(client), 0);
    await server.close();
    server = undefined;

    // A clean stop and start: nothing to report.
    server = await start();
    client = new ArcaClient({ address: server.address, token: rootToken() });
    assert.equal(await cuts(client), 0);
    await server.close();
    server = undefined;

    // While down, the last three lines are cut off.
    const before = lines(auditFile);
    const expectedSeq = (JSON.parse(before[before.length - 1] ?? '') as { seq: number }).seq;
    writeFileSync(auditFile, before.slice(0, -3).map((l) => `${l}\n`).join(''));

    server = await start();
    client = new ArcaClient({ address: server.address, token: rootToken() });
    assert.equal(await cuts(client), 1);
    assert.equal((await client.request('GET', 'secret/data/a')).status, 200, 'the server serves');
    const record = lines(auditFile)
      .map((l) => JSON.parse(l) as { request: { path: string }; auth?: { metadata?: Record<string, string> } })
      .find((r) => r.request.path === 'sys/audit-checkpoint/file');
    assert.equal(record?.auth?.metadata?.['expected_seq'], String(expectedSeq));
    assert.equal(record?.auth?.metadata?.['found_seq'], String(expectedSeq - 3));
    await server.close();
    server = undefined;
    const verified = await verifyAuditLog({ path: auditFile });
    assert.equal(verified.ok, true, JSON.stringify(verified));

    // Reported once.
    server = await start();
    client = new ArcaClient({ address: server.address, token: rootToken() });
    assert.equal(await cuts(client), 0);
  } finally {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
