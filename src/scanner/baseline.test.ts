import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { partitionByBaseline, readBaseline, writeBaseline } from './baseline.js';
import { ContentScanner } from './content-scanner.js';
import { pemKey, VALUE_GENERATORS } from './eval/sample-values.js';
import { SeededRandom } from './eval/seeded-random.js';
import { emptyScanConfig } from './scan-config.js';

const scanner = new ContentScanner(emptyScanConfig);

test('fingerprints survive line moves, reformatting and a different commit, but not a new file', () => {
  const v = (VALUE_GENERATORS['sendgrid-api-key'] as (r: SeededRandom) => string)(new SeededRandom(1));
  const key = pemKey(new SeededRandom(2), 'EC PRIVATE KEY');
  const before = scanner.scan(`A=${v}\n${key}\n`, { file: 'app/config.env', commit: 'a'.repeat(40) });
  const after = scanner.scan(
    `# header\n\n  "A": "${v}",\nkey: |\n${key.split('\n').map((l) => '      ' + l).join('\n')}\n`,
    { file: 'app/config.env', commit: 'b'.repeat(40) },
  );
  assert.equal(before.length, 2);
  assert.deepEqual(after.map((f) => f.fingerprint).sort(), before.map((f) => f.fingerprint).sort());
  assert.notDeepEqual(after.map((f) => f.line), before.map((f) => f.line));
  const moved = scanner.scan(`A=${v}`, { file: 'other.env' });
  assert.notEqual(moved[0]?.fingerprint, before[0]?.fingerprint);
});

test('a written baseline (or a JSON report) is read back and partitions findings; no raw secret is written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arca-'));
  try {
    const v = (VALUE_GENERATORS['pulumi-token'] as (r: SeededRandom) => string)(new SeededRandom(3));
    const w = (VALUE_GENERATORS['pulumi-token'] as (r: SeededRandom) => string)(new SeededRandom(4));
    const first = scanner.scan(`P=${v}`, { file: 'x' });
    const file = join(dir, 'baseline.json');
    writeBaseline(file, first);
    const text = JSON.stringify(readBaseline(file).size);
    assert.equal(text, '1');
    assert.ok(!JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))).includes(v));
    const now = scanner.scan(`P=${w}\nP=${v}`, { file: 'x' });
    const { fresh, accepted } = partitionByBaseline(now, readBaseline(file));
    assert.equal(fresh.length, 1);
    assert.equal(accepted.length, 1);
    writeFileSync(join(dir, 'list.json'), JSON.stringify([first[0]?.fingerprint]));
    assert.equal(readBaseline(join(dir, 'list.json')).size, 1);
    writeFileSync(join(dir, 'bad.json'), '{');
    assert.throws(() => readBaseline(join(dir, 'bad.json')), /cannot read baseline/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

