import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { VALUE_GENERATORS } from '../scanner/eval/sample-values.js';
import { SeededRandom } from '../scanner/eval/seeded-random.js';
import type { CliIo } from './command.js';
import { parseSize, scanCommand, scanCommands } from './scan-command.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'arca-'));
  dirs.push(d);
  return d;
};
const gen = (kind: string, seed: number): string => (VALUE_GENERATORS[kind] as (r: SeededRandom) => string)(new SeededRandom(seed));

function io(cwd: string, stdin = '', env: Record<string, string> = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: Readable.from([Buffer.from(stdin)]),
    env: { HOME: cwd, ...env },
    cwd,
    out: () => out,
    err: () => err,
  };
}

test('exports both commands', () => {
  assert.deepEqual(scanCommands.map((c) => c.words.join(' ')), ['scan', 'scan install-hook']);
  assert.equal(parseSize('5M'), 5 * 1024 * 1024);
  assert.equal(parseSize('100'), 100);
});

test('exit 0 when clean, 1 with findings (redacted), 2 on usage errors', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'ok.txt'), 'nothing\n');
  let t = io(dir);
  assert.equal(await scanCommand.run([], t), 0);
  assert.match(t.out(), /No secrets found/);
  const token = gen('github-pat', 9);
  writeFileSync(join(dir, 'app.env'), `GITHUB_TOKEN=${token}\n`);
  t = io(dir);
  assert.equal(await scanCommand.run(['.'], t), 1);
  assert.match(t.out(), /github-pat\s+app\.env:1:14/);
  assert.ok(!t.out().includes(token));
  for (const bad of [['--format', 'xml'], ['--nope'], ['--git', '--staged'], ['--range', 'a..b'], ['missing-dir'], ['--import', '../x']]) {
    t = io(dir);
    assert.equal(await scanCommand.run(bad, t), 2, bad.join(' '));
    assert.ok(t.err().length > 0);
  }
});

test('stdin, JSON output to a file, baseline round trip and --show-values', async () => {
  const dir = tempDir();
  const key = gen('sendgrid-api-key', 2);
  let t = io(dir, `x\nSENDGRID=${key}\n`);
  assert.equal(await scanCommand.run(['-', '-f', 'json'], t), 1);
  const report = JSON.parse(t.out()) as { findings: { file: string; line: number; value: string }[] };
  assert.deepEqual([report.findings[0]?.file, report.findings[0]?.line], ['-', 2]);
  assert.notEqual(report.findings[0]?.value, key);

  writeFileSync(join(dir, 'a.env'), `SENDGRID=${key}\n`);
  t = io(dir);
  assert.equal(await scanCommand.run(['--format=json', '-o', 'report.json', 'a.env'], t), 1);
  assert.equal(t.out(), '');
  t = io(dir);
  assert.equal(await scanCommand.run(['--baseline', 'report.json', 'a.env'], t), 0);
  assert.match(t.err(), /1 finding\(s\) already in the baseline/);
  t = io(dir);
  assert.equal(await scanCommand.run(['--show-values', 'a.env'], t), 1);
  assert.ok(t.out().includes(key));
  t = io(dir);
  assert.equal(await scanCommand.run(['--write-baseline', 'b.json', 'a.env'], t), 0);
  assert.ok(!readFileSync(join(dir, 'b.json'), 'utf8').includes(key));
});

test('--git scans history and reports the introducing commit; SARIF and CSV formats', async () => {
  const dir = tempDir();
  const git = (...a: string[]): string => execFileSync('git', a, { cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: dir, GIT_CONFIG_NOSYSTEM: '1' } }).trim();
  git('init', '-q');
  git('config', 'user.name', 'Grace');
  git('config', 'user.email', 'g@example.test');
  writeFileSync(join(dir, 'k.env'), `K=${gen('doppler-token', 1)}\n`);
  git('add', '.');
  git('commit', '-qm', 'oops');
  const sha = git('rev-parse', 'HEAD');
  git('rm', '-q', 'k.env');
  git('commit', '-qm', 'fix');
  let t = io(dir);
  assert.equal(await scanCommand.run(['--git', '-f', 'csv'], t), 1);
  assert.match(t.out(), new RegExp(`^doppler-token,k\\.env,1,${sha},`, 'm'));
  t = io(dir);
  assert.equal(await scanCommand.run(['--git', '-f', 'sarif', '.'], t), 1);
  assert.equal((JSON.parse(t.out()) as { version: string }).version, '2.1.0');
  t = io(dir);
  assert.equal(await scanCommand.run(['.'], t), 0);
});

test('--import asks for confirmation, writes KV v2 data and metadata, never twice, and prints references', async () => {
  const dir = tempDir();
  const store = new Map<string, unknown>();
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls.push(`${req.method} ${req.url} ${req.headers['x-vault-token'] ?? ''}`);
      const path = (req.url ?? '').replace(/^\/v1\//, '');
      if (req.method === 'GET') {
        const hit = store.has(path.replace('/metadata/', '/data/'));
        res.writeHead(hit ? 200 : 404, { 'content-type': 'application/json' }).end(hit ? '{"data":{}}' : '{"errors":[]}');
        return;
      }
      store.set(path, JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const env = { ARCA_ADDR: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ARCA_TOKEN: 'test-token' };
    const key = gen('linear-api-key', 5);
    writeFileSync(join(dir, 'a.env'), `LINEAR=${key}\n`);
    let t = io(dir, 'n\n', env);
    assert.equal(await scanCommand.run(['--import', 'secret/scanned', 'a.env'], t), 1);
    assert.match(t.err(), /Import 1 secret\(s\) into secret\/scanned\? \[y\/N\] Import cancelled/);
    assert.equal(calls.length, 0);
    t = io(dir, 'y\n', env);
    assert.equal(await scanCommand.run(['--import', 'secret/scanned', 'a.env'], t), 1);
    const dataPath = [...store.keys()].find((k) => k.startsWith('secret/data/scanned/linear-api-key-'));
    assert.ok(dataPath);
    assert.deepEqual(store.get(dataPath), { data: { value: key }, options: { cas: 0 } });
    const meta = store.get(dataPath.replace('/data/', '/metadata/')) as { custom_metadata: Record<string, string> };
    assert.equal(meta.custom_metadata['kind'], 'linear-api-key');
    assert.equal(meta.custom_metadata['source_file'], 'a.env');
    assert.match(t.out(), /a\.env:1 {2}arca:\/\/secret\/scanned\/linear-api-key-[0-9a-f]{12}#value/);
    assert.ok(calls.every((c) => c.endsWith('test-token')));
    const before = calls.length;
    t = io(dir, '', env);
    assert.equal(await scanCommand.run(['--import', 'secret/scanned', '--yes', 'a.env'], t), 1);
    assert.match(t.out(), /Imported 0 secret\(s\), 1 already present/);
    assert.equal(calls.length, before + 1);
  } finally {
    server.close();
  }
});
