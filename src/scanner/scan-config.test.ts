import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ContentScanner } from './content-scanner.js';
import { compileAllowlist, loadScanConfig, parseScanConfig } from './scan-config.js';

test('YAML and JSON configs load; allowlists by path, regex and stop-word apply', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arca-'));
  try {
    writeFileSync(join(dir, '.arca-scan.yaml'), "allowlist:\n  paths: ['^fixtures/']\n  regexes: ['^Zz']\n  stopwords: ['LocalOnly']\ndisabledRules: [jwt]\nmaxFileSize: 1000\n");
    const config = loadScanConfig(dir);
    assert.equal(config.maxFileSize, 1000);
    const s = new ContentScanner(config);
    assert.deepEqual(s.scan('password = "Qx7!mPz2Lw9r"', { file: 'fixtures/a.py' }), []); // arca:allow (test fixture)
    assert.deepEqual(s.scan('password = "Zz7!mPz2Lw9r"', { file: 'a.py' }), []); // arca:allow (test fixture)
    assert.deepEqual(s.scan('password = "x9localonly2Q"', { file: 'a.py' }), []); // arca:allow (test fixture)
    assert.equal(s.scan('password = "Qx7!mPz2Lw9r"', { file: 'a.py' }).length, 1); // arca:allow (test fixture)
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ allowlist: { stopwords: ['abc'] } }));
    assert.deepEqual(loadScanConfig(dir, join(dir, 'c.json')).stopwords, ['abc']);
    assert.ok(compileAllowlist(config).isAllowedPath('sub/package-lock.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('invalid configs are rejected with the file named', () => {
  assert.throws(() => parseScanConfig({ disabledRules: ['nope'] }, 'f.yaml'), /f.yaml: unknown rule id/);
  assert.throws(() => parseScanConfig({ allowlist: { regexes: ['('] } }, 'f.yaml'), /invalid regular expression/);
  assert.throws(() => parseScanConfig({ allowlist: { paths: 'x' } }, 'f.yaml'), /must be a list/);
  assert.throws(() => parseScanConfig({ maxFileSize: -1 }, 'f.yaml'), /positive integer/);
  assert.throws(() => parseScanConfig([], 'f.yaml'), /expected a mapping/);
});
