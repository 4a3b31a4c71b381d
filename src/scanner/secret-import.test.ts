import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../lib/clock.js';
import type { Finding } from './finding.js';
import { importSecrets, parseImportTarget, planImport } from './secret-import.js';
import type { SecretSink } from './secret-import.js';

class MemorySink implements SecretSink {
  readonly data = new Map<string, { value: string; meta: Readonly<Record<string, string>> }>();
  async exists(mount: string, path: string): Promise<boolean> {
    return this.data.has(`${mount}/${path}`);
  }
  async write(mount: string, path: string, value: string, meta: Readonly<Record<string, string>>): Promise<void> {
    this.data.set(`${mount}/${path}`, { value, meta });
  }
}

const f = (file: string, secret: string, fp: string, extra: Partial<Finding> = {}): Finding => ({
  kind: 'npm-token', description: 'npm', file, line: 4, column: 1, secret, fingerprint: fp, ...extra,
});

test('import target parsing', () => {
  assert.deepEqual(parseImportTarget('secret/scanned/app'), { mount: 'secret', prefix: 'scanned/app' });
  assert.deepEqual(parseImportTarget('kv'), { mount: 'kv', prefix: '' });
  assert.throws(() => parseImportTarget('secret/../sys'), /invalid import target/);
  assert.throws(() => parseImportTarget(''), /invalid import target/);
});

test('each finding is imported once under a name derived from its fingerprint, with metadata and a reference', async () => {
  const sink = new MemorySink();
  const clock = new FakeClock(Date.UTC(2026, 0, 2));
  const target = parseImportTarget('secret/scanned');
  const findings = [f('a.env', 'v1', '1'.repeat(40)), f('a.env', 'v1', '1'.repeat(40)), f('b.env', 'v2', '2'.repeat(40), { commit: 'c'.repeat(40), date: '2025-05-05T00:00:00Z' })];
  const plan = planImport(findings, target);
  assert.equal(plan.length, 2);
  assert.equal(plan[0]?.reference, `arca://secret/scanned/npm-token-${'1'.repeat(12)}#value`);
  const first = await importSecrets(plan, target, sink, clock);
  assert.equal(first.imported.length, 2);
  const stored = sink.data.get(`secret/scanned/npm-token-${'2'.repeat(12)}`);
  assert.equal(stored?.value, 'v2');
  assert.deepEqual(stored?.meta, {
    kind: 'npm-token', source_file: 'b.env', source_line: '4', commit: 'c'.repeat(40), first_seen: '2025-05-05T00:00:00Z', fingerprint: '2'.repeat(40), imported_by: 'arca scan',
  });
  assert.equal(sink.data.get(`secret/scanned/npm-token-${'1'.repeat(12)}`)?.meta['first_seen'], '2026-01-02T00:00:00.000Z');
  const again = await importSecrets(planImport(findings, target), target, sink, clock);
  assert.equal(again.imported.length, 0);
  assert.equal(again.skipped.length, 2);
});
