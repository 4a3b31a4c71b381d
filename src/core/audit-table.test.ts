// The audit table's chain checkpoints: a file device's log cut while the server was down is
// reported at the next unseal (log, record in the device, count); a clean restart, a log
// rotated away or a crash after more records are not. Real SQLite storage, real files.
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditTable } from './audit-table.js';
import { AuditBroker } from '../audit/audit-broker.js';
import { BatchedAuditDevice } from '../audit/batched-audit-device.js';
import { StorageView } from '../storage/storage-view.js';
import { SqlitePhysical } from '../storage/sqlite/sqlite-physical.js';
import { verifyAuditLog } from '../audit/verify-audit-log.js';
import { hashAuditLine, type ChainHead } from '../audit/audit-chain.js';
import { sampleAuditEntry } from '../audit/sample-audit-entry.js';
import { silentLogger, type Logger } from '../lib/logger.js';
import { FakeClock } from '../lib/clock.js';

interface World {
  readonly dir: string;
  readonly file: string;
  readonly storage: StorageView;
  readonly errors: string[];
  /** One server run: a fresh broker and table over the same storage, loaded (unsealed). */
  start(): Promise<{ table: AuditTable; broker: AuditBroker }>;
}

function world(t: TestContext): World {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arca-audit-table-'));
  const physical = SqlitePhysical.open(path.join(dir, 'arca.db'));
  t.after(async () => {
    await physical.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const errors: string[] = [];
  const logger: Logger = { ...silentLogger, error: (_obj, msg) => void errors.push(msg ?? ''), child: () => logger };
  const storage = new StorageView(physical, '');
  return {
    dir,
    file: path.join(dir, 'audit.log'),
    storage,
    errors,
    async start() {
      const broker = new AuditBroker();
      const table = new AuditTable(storage, broker, { logger, clock: new FakeClock(), checkpointIntervalMs: 0 });
      await table.load();
      return { table, broker };
    },
  };
}

async function logSome(broker: AuditBroker, n: number, tag: string): Promise<void> {
  for (let i = 0; i < n; i++) await broker.logRequest(sampleAuditEntry('request', `${tag}-${i}`));
}

function fileLines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

function lastHead(file: string): ChainHead {
  const lines = fileLines(file);
  const last = lines[lines.length - 1] ?? '';
  return { seq: (JSON.parse(last) as { seq: number }).seq, hash: hashAuditLine(last) };
}

async function enableFile(w: World): Promise<{ table: AuditTable; broker: AuditBroker }> {
  const run = await w.start();
  await run.table.enable({ path: 'file', type: 'file', description: '', options: { file_path: w.file }, local: false });
  return run;
}

test('a tail cut while the server was down is reported at unseal, recorded in the device and counted', async (t) => {
  const w = world(t);
  const first = await enableFile(w);
  await logSome(first.broker, 6, 'before');
  await first.table.close();
  const stored = lastHead(w.file);
  assert.equal(stored.seq, 6);
  assert.deepEqual(await w.storage.getJson('sys/audit-checkpoint/file'), stored, 'saved on close');

  // While down: the last two lines go.
  const kept = fileLines(w.file).slice(0, 4);
  fs.writeFileSync(w.file, kept.map((l) => `${l}\n`).join(''));
  const keptHead = lastHead(w.file);

  const second = await w.start();
  assert.equal(second.table.cutsDetected.length, 1);
  assert.deepEqual(second.table.cutsDetected[0], { path: 'file/', filePath: w.file, expected: stored, found: keptHead });
  assert.equal(w.errors.length, 1);
  assert.match(w.errors[0] ?? '', /audit\.log \(device file\/\) was cut while the server was down: it ends at seq 4, its checkpoint is seq 6/);

  await logSome(second.broker, 1, 'after');
  await second.table.close();
  const lines = fileLines(w.file);
  assert.equal(lines.length, 6, 'the 4 kept lines, the cut record, the new record');
  const record = JSON.parse(lines[4] ?? '') as { type: string; seq: number; error: string; request: { path: string }; auth: { metadata: Record<string, string> } };
  assert.equal(record.type, 'request');
  assert.equal(record.seq, 5, 'the chain continues from the file as it is');
  assert.equal(record.request.path, 'sys/audit-checkpoint/file');
  assert.deepEqual(record.auth.metadata, {
    event: 'audit_log_cut',
    audit_path: 'file/',
    file_path: w.file,
    expected_seq: '6',
    expected_hash: stored.hash,
    found_seq: '4',
    found_hash: keptHead.hash,
  });
  assert.match(record.error, /the chain had reached seq 6 .* but the file ends at seq 4/);
  // A valid chain: the kept prefix, then the new lines.
  const verified = await verifyAuditLog({ path: w.file });
  assert.equal(verified.ok, true, JSON.stringify(verified));

  // Reported once: the checkpoint moved past the record.
  const third = await w.start();
  assert.equal(third.table.cutsDetected.length, 0);
  assert.equal(w.errors.length, 1);
  await third.table.close();
});

test('the same seq with another line (a rewritten tail) is a cut too', async (t) => {
  const w = world(t);
  const first = await enableFile(w);
  await logSome(first.broker, 3, 'a');
  await first.table.close();
  const stored = lastHead(w.file);
  const lines = fileLines(w.file);
  lines[2] = (lines[2] ?? '').replace('"seq":3', '"seq":3 ');
  fs.writeFileSync(w.file, lines.map((l) => `${l}\n`).join(''));

  const second = await w.start();
  assert.equal(second.table.cutsDetected.length, 1);
  assert.deepEqual(second.table.cutsDetected[0]?.expected, stored);
  assert.equal(second.table.cutsDetected[0]?.found.seq, 3);
  await second.table.close();
});

test('no report after a clean stop and start: the chain continues in the same file', async (t) => {
  const w = world(t);
  const first = await enableFile(w);
  await logSome(first.broker, 3, 'a');
  await first.table.close();
  const second = await w.start();
  assert.equal(second.table.cutsDetected.length, 0);
  await logSome(second.broker, 2, 'b');
  await second.table.close();
  assert.deepEqual(w.errors, []);
  assert.deepEqual(fileLines(w.file).map((l) => (JSON.parse(l) as { seq: number }).seq), [1, 2, 3, 4, 5]);
  assert.deepEqual(await w.storage.getJson('sys/audit-checkpoint/file'), lastHead(w.file));
  const verified = await verifyAuditLog({ path: w.file });
  assert.equal(verified.ok, true);
});

test('no report after rotation to an empty file while down: the new file continues the chain', async (t) => {
  for (const rotate of ['rename', 'truncate'] as const) {
    const w = world(t);
    const first = await enableFile(w);
    await logSome(first.broker, 3, 'a');
    await first.table.close();
    const old = lastHead(w.file);
    const rotated = `${w.file}.1`;
    if (rotate === 'rename') fs.renameSync(w.file, rotated);
    else {
      fs.copyFileSync(w.file, rotated);
      fs.truncateSync(w.file, 0);
    }

    const second = await w.start();
    assert.equal(second.table.cutsDetected.length, 0, rotate);
    await logSome(second.broker, 2, 'b');
    await second.table.close();
    assert.deepEqual(w.errors, [], rotate);
    const seqs = fileLines(w.file).map((l) => (JSON.parse(l) as { seq: number }).seq);
    assert.deepEqual(seqs, [4, 5], rotate);
    const verified = await verifyAuditLog({ path: w.file }, { after: old });
    assert.equal(verified.ok, true, `${rotate}: ${JSON.stringify(verified)}`);
  }
});

test('checkpoints are saved while running only when the head moved; a crash after more records is no cut', async (t) => {
  const w = world(t);
  const first = await enableFile(w);
  await first.table.saveCheckpoints();
  assert.equal(await w.storage.getJson('sys/audit-checkpoint/file'), undefined, 'nothing written yet, nothing saved');
  await logSome(first.broker, 2, 'a');
  await first.table.saveCheckpoints();
  const saved = lastHead(w.file);
  assert.deepEqual(await w.storage.getJson('sys/audit-checkpoint/file'), saved);
  // Unchanged head: no write (a changed stored value would be overwritten if it did).
  await w.storage.putJson('sys/audit-checkpoint/file', { seq: 2, hash: 'f'.repeat(64) });
  await first.table.saveCheckpoints();
  assert.deepEqual(await w.storage.getJson('sys/audit-checkpoint/file'), { seq: 2, hash: 'f'.repeat(64) });
  await w.storage.putJson('sys/audit-checkpoint/file', saved);

  // More records, then the process dies without closing the table: the checkpoint lags.
  await logSome(first.broker, 2, 'b');
  await first.broker.close();
  const second = await w.start();
  assert.equal(second.table.cutsDetected.length, 0);
  await second.table.close();
  assert.deepEqual(w.errors, []);
});

test('disabling a device removes its checkpoint', async (t) => {
  const w = world(t);
  const first = await enableFile(w);
  await logSome(first.broker, 1, 'a');
  await first.table.saveCheckpoints();
  assert.notEqual(await w.storage.getJson('sys/audit-checkpoint/file'), undefined);
  await first.table.disable('file');
  assert.equal(await w.storage.getJson('sys/audit-checkpoint/file'), undefined);
  await first.table.close();
});

test('while running, a moved head is saved every checkpoint interval', async (t) => {
  const w = world(t);
  t.mock.timers.enable({ apis: ['setInterval'] });
  const broker = new AuditBroker();
  const table = new AuditTable(w.storage, broker, { checkpointIntervalMs: 10_000 });
  await table.load();
  await table.enable({ path: 'file', type: 'file', description: '', options: { file_path: w.file }, local: false });
  await logSome(broker, 2, 'a');
  const stored = async (): Promise<unknown> => {
    // Lets a save the timer started finish (storage I/O), without waiting on wall-clock time.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    return w.storage.getJson('sys/audit-checkpoint/file');
  };
  t.mock.timers.tick(9_999);
  assert.equal(await stored(), undefined, 'not before the interval');
  t.mock.timers.tick(1);
  assert.deepEqual(await stored(), lastHead(w.file));
  await logSome(broker, 1, 'b');
  t.mock.timers.tick(10_000);
  assert.deepEqual(await stored(), lastHead(w.file), 'the moved head, at the next interval');
  await table.close();
});

test('on storage shared by several nodes (checkpoints off) nothing is checkpointed or compared', async (t) => {
  const w = world(t);
  const start = async (): Promise<{ table: AuditTable; broker: AuditBroker }> => {
    const broker = new AuditBroker();
    const table = new AuditTable(w.storage, broker, { clock: new FakeClock(), checkpointIntervalMs: 0, checkpoints: false });
    await table.load();
    return { table, broker };
  };
  const first = await start();
  await first.table.enable({ path: 'file', type: 'file', description: '', options: { file_path: w.file }, local: false });
  await logSome(first.broker, 4, 'node');
  await first.table.close();
  assert.equal(await w.storage.getJson('sys/audit-checkpoint/file'), undefined, 'no checkpoint: another node writes its own file under this path');
  fs.writeFileSync(w.file, `${fileLines(w.file).slice(0, 2).join('\n')}\n`);
  const second = await start();
  assert.equal(second.table.cutsDetected.length, 0);
  await second.table.close();
});

test('devices make their lines on the event loop unless the table is told to use the worker', async (t) => {
  const w = world(t);
  for (const worker of [false, true]) {
    const broker = new AuditBroker();
    const table = new AuditTable(w.storage, broker, { clock: new FakeClock(), checkpointIntervalMs: 0, worker });
    await table.load();
    await table.enable({ path: 'file', type: 'file', description: '', options: { file_path: w.file }, local: false });
    await logSome(broker, 3, `worker-${worker}`);
    const device = broker.deviceAt('file');
    assert.ok(device instanceof BatchedAuditDevice);
    assert.equal(device.onWorker, worker);
    await table.disable('file');
    await broker.close();
  }
  const verified = await verifyAuditLog({ path: w.file });
  assert.equal(verified.ok, true, 'both wrote one chain');
});
