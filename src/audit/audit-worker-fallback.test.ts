// Its own file (its own process under the runner): it kills the process's audit worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditWorkerClient } from './audit-worker-client.js';
import { FileAuditDevice } from './file-audit-device.js';
import { sampleAuditEntry } from './sample-audit-entry.js';
import { verifyAuditLog } from './verify-audit-log.js';

const KEY = Buffer.from('device-key-for-tests-0123456789ab');

test('when the audit worker dies, records in flight fail closed and the device carries on from the event loop', async (t) => {
  const dir = fs.mkdtempSync(os.tmpdir() + '/arca-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'audit.log');
  const device = new FileAuditDevice({ file_path: file }, KEY);
  await device.open();
  await device.log(sampleAuditEntry('request', 'before'));
  const worker = AuditWorkerClient.get();
  assert.ok(worker, 'the worker runs this file');
  await (worker as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();

  await assert.rejects(device.log(sampleAuditEntry('request', 'lost')), { code: 'internal' });
  assert.equal(AuditWorkerClient.get(), undefined, 'a dead worker is not restarted');
  await device.log(sampleAuditEntry('request', 'after-1'));
  await device.log(sampleAuditEntry('response', 'after-2'));
  await device.close();

  const text = fs.readFileSync(file, 'utf8');
  const ids = text.trim().split('\n').map((line) => (JSON.parse(line) as { request: { id: string } }).request.id);
  assert.deepEqual(ids, ['before', 'after-1', 'after-2']);
  const verdict = await verifyAuditLog({ text });
  assert.equal(verdict.ok, true, 'one unbroken chain across the switch');
});
