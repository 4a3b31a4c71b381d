import { test as baseTest } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileAuditDevice } from './file-audit-device.js';
import { verifyAuditLog } from './verify-audit-log.js';
import { GENESIS_HASH, hashAuditLine } from './audit-chain.js';
import { auditHmac } from './audit-hmac.js';
import { SAMPLE_SECRETS, sampleAuditEntry } from './sample-audit-entry.js';
import type { AuditEntry } from './audit-entry.js';

const KEY = Buffer.from('device-key-for-tests-0123456789ab');

/** Every test runs twice: the file on the audit worker (the default) and on the event loop. */
let inThread = false;
function test(name: string, fn: (t: TestContext) => void | Promise<void>): void {
  for (const mode of [false, true]) {
    baseTest(`${name} [${mode ? 'event loop' : 'audit worker'}]`, (t) => {
      inThread = mode;
      return fn(t);
    });
  }
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(os.tmpdir() + '/arca-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function entryWithData(id: string, data: unknown): AuditEntry {
  const e = sampleAuditEntry('request', id);
  return { ...e, request: { ...e.request, data } };
}

function readLines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

test('one JSON line per record in Vault layout, chained from genesis, nothing secret in clear', async (t) => {
  const file = path.join(tempDir(t), 'audit.log');
  const device = new FileAuditDevice({ file_path: file }, KEY, inThread);
  await device.open();
  const marker = `MARKER-${process.pid}-${Date.now()}-unique`;
  await device.log(entryWithData('r1', { deep: [{ value: marker }] }));
  await device.log(sampleAuditEntry('response', 'r1'));
  await device.close();

  const text = fs.readFileSync(file, 'utf8');
  assert.equal(text.includes(marker), false, 'marker written in clear');
  for (const secret of Object.values(SAMPLE_SECRETS)) assert.equal(text.includes(secret), false, 'a sample secret is in clear');
  assert.ok(text.includes(auditHmac(KEY, marker)));

  const lines = readLines(file);
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  assert.equal(first['type'], 'request');
  assert.equal(first['seq'], 1);
  assert.equal(first['prev_hash'], GENESIS_HASH);
  assert.deepEqual(Object.keys(first), ['type', 'time', 'auth', 'request', 'seq', 'prev_hash']);
  const second = JSON.parse(lines[1] ?? '') as Record<string, unknown>;
  assert.equal(second['seq'], 2);
  assert.equal(second['prev_hash'], hashAuditLine(lines[0] ?? ''));
  assert.deepEqual(device.head(), { seq: 2, hash: hashAuditLine(lines[1] ?? '') });
  assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600');
  assert.deepEqual(await verifyAuditLog({ path: file }), { ok: true, records: 2, firstSeq: 1, last: device.head() });
});

test('group commit: concurrent records share writes and fsyncs, and every promise waits for its fsync', async (t) => {
  const file = path.join(tempDir(t), 'audit.log');
  const device = new FileAuditDevice({ file_path: file }, KEY, inThread);
  await device.open();
  const n = 200;
  await Promise.all(Array.from({ length: n }, (_, i) => device.log(entryWithData(`r${i}`, { i }))));
  const stats = device.ioStats();
  assert.equal(stats.records, n);
  assert.ok(stats.syncs < n, `expected fewer fsyncs than records, got ${stats.syncs}`);
  assert.equal(stats.syncs, stats.writes);
  // Resolution implies the line was synced: all n lines are already on disk.
  assert.equal(readLines(file).length, n);
  await device.close();
  const result = await verifyAuditLog({ path: file });
  assert.equal(result.ok, true);
});

test('reopening an existing file continues its chain', async (t) => {
  const file = path.join(tempDir(t), 'audit.log');
  const a = new FileAuditDevice({ file_path: file }, KEY, inThread);
  await a.log(sampleAuditEntry());
  await a.log(sampleAuditEntry());
  await a.close();
  const b = new FileAuditDevice({ file_path: file }, KEY, inThread);
  await b.open();
  assert.equal(b.head().seq, 2);
  await b.log(sampleAuditEntry());
  await b.close();
  assert.deepEqual(await verifyAuditLog({ path: file }), { ok: true, records: 3, firstSeq: 1, last: b.head() });
});

test('reload after rotation: the new file continues the chain of the rotated one', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'audit.log');
  const device = new FileAuditDevice({ file_path: file }, KEY, inThread);
  await device.log(sampleAuditEntry());
  await device.log(sampleAuditEntry());
  fs.renameSync(file, `${file}.1`);
  await device.reload();
  await device.log(sampleAuditEntry());
  await device.close();

  const old = await verifyAuditLog({ path: `${file}.1` });
  assert.ok(old.ok);
  const fresh = await verifyAuditLog({ path: file });
  assert.equal(fresh.ok, false, 'a continuation file alone must not pass as complete');
  assert.equal(fresh.ok ? undefined : fresh.reason, 'removed');
  const chained = await verifyAuditLog({ path: file }, { after: old.last });
  assert.deepEqual(chained, { ok: true, records: 1, firstSeq: 3, last: device.head() });
});

test('a torn last line is terminated on reopen and shows as malformed', async (t) => {
  const file = path.join(tempDir(t), 'audit.log');
  const a = new FileAuditDevice({ file_path: file }, KEY, inThread);
  await a.log(sampleAuditEntry());
  await a.close();
  fs.appendFileSync(file, '{"type":"requ');
  const b = new FileAuditDevice({ file_path: file }, KEY, inThread);
  await b.log(sampleAuditEntry());
  await b.close();
  assert.equal(readLines(file).length, 3);
  const result = await verifyAuditLog({ path: file });
  assert.deepEqual(result.ok ? undefined : [result.line, result.reason], [2, 'malformed']);
});

test('prefix and mode options; prefixed lines verify with the prefix', async (t) => {
  const file = path.join(tempDir(t), 'audit.log');
  const device = new FileAuditDevice({ file_path: file, prefix: 'arca-audit: ', mode: '0640' }, KEY, inThread);
  await device.log(sampleAuditEntry());
  await device.log(sampleAuditEntry());
  await device.close();
  assert.ok(readLines(file).every((l) => l.startsWith('arca-audit: {')));
  assert.equal((fs.statSync(file).mode & 0o777).toString(8), '640');
  assert.equal((await verifyAuditLog({ path: file }, { prefix: 'arca-audit: ' })).ok, true);
  assert.equal((await verifyAuditLog({ path: file })).ok, true);
});

test('hmac_accessor=false and log_raw=true are honoured; hashAuditValue matches what is written', async (t) => {
  const dir = tempDir(t);
  const accFile = path.join(dir, 'acc.log');
  const acc = new FileAuditDevice({ file_path: accFile, hmac_accessor: 'false' }, KEY, inThread);
  await acc.log(sampleAuditEntry());
  await acc.close();
  const accText = fs.readFileSync(accFile, 'utf8');
  assert.ok(accText.includes(SAMPLE_SECRETS.accessor));
  assert.equal(accText.includes(SAMPLE_SECRETS.clientToken), false);
  assert.ok(accText.includes(acc.hashAuditValue(SAMPLE_SECRETS.clientToken)));

  const rawFile = path.join(dir, 'raw.log');
  const raw = new FileAuditDevice({ file_path: rawFile, log_raw: 'true' }, KEY, inThread);
  await raw.log(sampleAuditEntry());
  await raw.close();
  assert.ok(fs.readFileSync(rawFile, 'utf8').includes(SAMPLE_SECRETS.password));
});

test('invalid options are rejected at construction with invalid_request', () => {
  const bad: Array<Record<string, string>> = [
    {},
    { file_path: '/tmp/x', mode: '777x' },
    { file_path: '/tmp/x', hmac_accessor: 'maybe' },
    { file_path: '/tmp/x', format: 'jsonx' },
    { file_path: '/tmp/x', prefix: 'a\nb' },
    { file_path: '/tmp/x', nonsense: '1' },
  ];
  for (const options of bad) {
    assert.throws(() => new FileAuditDevice(options, KEY, inThread), { name: 'ArcaError', code: 'invalid_request' });
  }
});

test('a file under a non-directory cannot be opened, and writes then reject', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'plain'), 'x');
  const device = new FileAuditDevice({ file_path: path.join(dir, 'plain', 'audit.log') }, KEY, inThread);
  await assert.rejects(device.open());
  await assert.rejects(device.log(sampleAuditEntry()), { name: 'ArcaError', code: 'internal' });
  await device.close();
  await assert.rejects(device.log(sampleAuditEntry()), { code: 'unavailable' });
});

test('discard writes nothing but still accepts records', async () => {
  const device = new FileAuditDevice({ file_path: 'discard' }, KEY, inThread);
  await device.open();
  await device.log(sampleAuditEntry());
  assert.equal(device.head().seq, 1);
  await device.close();
});

test('after a failed reopen the device retries on the next write and keeps its chain', async (t) => {
  const dir = tempDir(t);
  const logDir = path.join(dir, 'logs');
  fs.mkdirSync(logDir);
  const file = path.join(logDir, 'audit.log');
  const device = new FileAuditDevice({ file_path: file }, KEY, inThread);
  await device.log(sampleAuditEntry());
  const before = fs.readFileSync(file, 'utf8');
  fs.rmSync(logDir, { recursive: true });
  await assert.rejects(device.reload());
  await assert.rejects(device.log(sampleAuditEntry()), { code: 'internal' });
  fs.mkdirSync(logDir);
  await device.log(sampleAuditEntry());
  await device.close();
  assert.equal(device.head().seq, 2);
  const first = await verifyAuditLog({ text: before });
  assert.ok(first.ok);
  assert.equal((await verifyAuditLog({ path: file }, { after: first.last })).ok, true);
});

test('a device whose writes fail (ENOSPC on /dev/full) refuses every record and keeps refusing, without hanging', async () => {
  const device = new FileAuditDevice({ file_path: '/dev/full', mode: '0000' }, KEY, inThread);
  await device.open();
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => device.log(sampleAuditEntry('request', `full-${i}`))));
  assert.ok(results.every((r) => r.status === 'rejected'), 'no record is reported written');
  await assert.rejects(device.log(sampleAuditEntry('request', 'again')), { name: 'ArcaError', code: 'internal' });
  await device.close();
});
