import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditBroker } from './audit-broker.js';
import { FileAuditDevice } from './file-audit-device.js';
import { verifyAuditLog } from './verify-audit-log.js';
import { sampleAuditEntry } from './sample-audit-entry.js';
import type { AuditDevice } from './audit-device.js';

const KEY = Buffer.from('broker-test-key-0123456789abcdef');

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(os.tmpdir() + '/arca-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A device whose writes behave as told: 'ok', 'fail', or 'hang' (never settles). */
class ScriptedDevice implements AuditDevice {
  readonly type = 'scripted';
  readonly options = {};
  logged = 0;
  closed = false;
  constructor(private readonly behaviour: 'ok' | 'fail' | 'hang', private readonly openFails = false) {}
  open(): Promise<void> {
    return this.openFails ? Promise.reject(new Error('cannot open')) : Promise.resolve();
  }
  log(): Promise<void> {
    this.logged += 1;
    if (this.behaviour === 'ok') return Promise.resolve();
    if (this.behaviour === 'fail') return Promise.reject(new Error('disk full'));
    return new Promise<void>(() => undefined);
  }
  hashAuditValue(value: string): string {
    return `scripted:${value.length}`;
  }
  reload(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

const NO_DEVICE = { name: 'ArcaError', code: 'internal', message: 'audit: no audit device could record the request' };

test('with no device enabled, logging is a no-op', async () => {
  const broker = new AuditBroker();
  await broker.logRequest(sampleAuditEntry('request'));
  await broker.logResponse(sampleAuditEntry('response'));
  assert.deepEqual(broker.stats(), { written: 0, failed: 0, timedOut: 0, lastLatencyMs: 0 });
});

test('requests and responses reach a file device and the log verifies', async (t) => {
  const file = path.join(tempDir(t), 'audit.log');
  const broker = new AuditBroker();
  await broker.enable('file', new FileAuditDevice({ file_path: file }, KEY), { description: 'main log' });
  await broker.logRequest(sampleAuditEntry('request'));
  await broker.logResponse(sampleAuditEntry('response'));
  await broker.close();
  assert.deepEqual(await verifyAuditLog({ path: file }).then((r) => r.ok && r.records), 2);
  assert.equal(broker.stats().written, 2);
});

test('list() has Vault\'s sys/audit shape; duplicate paths are refused; disable removes and closes', async (t) => {
  const file = path.join(tempDir(t), 'audit.log');
  const broker = new AuditBroker();
  await broker.enable('file/', new FileAuditDevice({ file_path: file, hmac_accessor: 'false' }, KEY), {
    description: 'main',
  });
  const other = new ScriptedDevice('ok');
  await broker.enable('/team/a', other, { local: true });
  assert.deepEqual(broker.list(), {
    'file/': { type: 'file', description: 'main', options: { file_path: file, hmac_accessor: 'false' }, path: 'file/', local: false },
    'team/a/': { type: 'scripted', description: '', options: {}, path: 'team/a/', local: true },
  });
  await assert.rejects(broker.enable('file', new ScriptedDevice('ok')), { code: 'invalid_request' });
  await assert.rejects(broker.enable('bad path!', new ScriptedDevice('ok')), { code: 'invalid_request' });
  assert.equal(await broker.disable('team/a'), true);
  assert.equal(other.closed, true);
  assert.equal(await broker.disable('team/a'), false);
  assert.deepEqual(Object.keys(broker.list()), ['file/']);
  await broker.close();
});

test('hashValue answers sys/audit-hash with the device key; unknown path is refused', async (t) => {
  const file = path.join(tempDir(t), 'audit.log');
  const device = new FileAuditDevice({ file_path: file }, KEY);
  const broker = new AuditBroker();
  await broker.enable('file', device);
  assert.equal(broker.hashValue('file', 'abc'), device.hashAuditValue('abc'));
  assert.match(broker.hashValue('file/', 'abc'), /^hmac-sha256:[0-9a-f]{64}$/);
  assert.throws(() => broker.hashValue('nope', 'abc'), { code: 'invalid_request' });
  await broker.close();
});

test('fail closed: enabling a device on an unusable path fails, and nothing is mounted', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'not-a-dir'), '');
  const broker = new AuditBroker();
  const device = new FileAuditDevice({ file_path: path.join(dir, 'not-a-dir', 'audit.log') }, KEY);
  await assert.rejects(broker.enable('file', device), { code: 'invalid_request' });
  await assert.rejects(broker.enable('other', new FileAuditDevice({ file_path: path.join(dir, 'missing', 'a.log') }, KEY)), {
    code: 'invalid_request',
  });
  assert.deepEqual(broker.list(), {});
  await assert.rejects(broker.enable('x', new ScriptedDevice('ok', true)), { code: 'invalid_request' });
});

test('fail closed: when the only device can no longer write, the request is refused', async (t) => {
  const dir = tempDir(t);
  const logDir = path.join(dir, 'logs');
  fs.mkdirSync(logDir);
  const broker = new AuditBroker();
  await broker.enable('file', new FileAuditDevice({ file_path: path.join(logDir, 'audit.log') }, KEY));
  await broker.logRequest(sampleAuditEntry());
  fs.rmSync(logDir, { recursive: true });
  await broker.reload(); // the reopen fails: the directory is gone
  await assert.rejects(broker.logRequest(sampleAuditEntry()), NO_DEVICE);
  assert.deepEqual(
    { written: broker.stats().written, failed: broker.stats().failed },
    { written: 1, failed: 1 },
  );
  await broker.close();
});

test('one working device is enough; failures are counted', async () => {
  const broker = new AuditBroker();
  await broker.enable('bad', new ScriptedDevice('fail'));
  await broker.enable('good', new ScriptedDevice('ok'));
  await broker.logRequest(sampleAuditEntry());
  await broker.close();
  const stats = broker.stats();
  assert.equal(stats.written, 1);
  // The failing write may settle after the winner; wait for it without timing.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(broker.stats().failed, 1);
});

test('all devices failing rejects with the fail-closed error', async () => {
  const broker = new AuditBroker();
  await broker.enable('a', new ScriptedDevice('fail'));
  await broker.enable('b', new ScriptedDevice('fail'));
  await assert.rejects(broker.logResponse(sampleAuditEntry('response')), NO_DEVICE);
  assert.equal(broker.stats().failed, 2);
});

test('a hanging device is cut off by the timeout: alone it fails closed, beside a good device it is only counted', async () => {
  const alone = new AuditBroker({ timeoutMs: 20 });
  await alone.enable('stuck', new ScriptedDevice('hang'));
  await assert.rejects(alone.logRequest(sampleAuditEntry()), NO_DEVICE);
  assert.equal(alone.stats().timedOut, 1);

  const mixed = new AuditBroker({ timeoutMs: 20 });
  await mixed.enable('stuck', new ScriptedDevice('hang'));
  await mixed.enable('good', new ScriptedDevice('ok'));
  await mixed.logRequest(sampleAuditEntry());
  assert.equal(mixed.stats().written, 1);
});

test('entry type must match the method', async () => {
  const broker = new AuditBroker();
  await broker.enable('good', new ScriptedDevice('ok'));
  await assert.rejects(broker.logRequest(sampleAuditEntry('response')), { code: 'internal' });
  await assert.rejects(broker.logResponse(sampleAuditEntry('request')), { code: 'internal' });
});

test('concurrent requests through the broker share fsyncs and the chain stays intact', async (t) => {
  const file = path.join(tempDir(t), 'audit.log');
  const device = new FileAuditDevice({ file_path: file }, KEY);
  const broker = new AuditBroker();
  await broker.enable('file', device);
  await Promise.all(Array.from({ length: 100 }, (_, i) => broker.logRequest(sampleAuditEntry('request', `r${i}`))));
  assert.ok(device.ioStats().syncs < 100);
  await broker.close();
  const result = await verifyAuditLog({ path: file });
  assert.deepEqual(result.ok && result.records, 100);
});
