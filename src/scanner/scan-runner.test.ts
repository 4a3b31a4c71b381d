import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SeededRandom } from './eval/seeded-random.js';
import { VALUE_GENERATORS } from './eval/sample-values.js';
import { emptyScanConfig } from './scan-config.js';
import { runScan } from './scan-runner.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'arca-'));
  dirs.push(d);
  return d;
};
const gen = (kind: string, seed: number): string => (VALUE_GENERATORS[kind] as (r: SeededRandom) => string)(new SeededRandom(seed));
const options = (cwd: string, threads = 0) => ({ config: emptyScanConfig, maxFileSize: 1024 * 1024, cwd, threads });

function repo(dir: string): (...args: string[]) => string {
  let t = Date.UTC(2024, 5, 1) / 1000;
  const git = (...args: string[]): string => {
    t += 60;
    const env = { ...process.env, GIT_AUTHOR_DATE: `${t} +0000`, GIT_COMMITTER_DATE: `${t} +0000`, GIT_CONFIG_NOSYSTEM: '1', HOME: dir };
    return execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Ada Lovelace');
  git('config', 'user.email', 'ada@example.test');
  return git;
}

test('tree scan honours nested .gitignore, skips binaries, large files and symlinks leaving the tree', async () => {
  const root = tempDir();
  const outside = tempDir();
  const v = gen('gitlab-pat', 1);
  mkdirSync(join(root, 'a/b'), { recursive: true });
  writeFileSync(join(root, 'a/found.env'), `T=${v}\n`);
  writeFileSync(join(root, 'a/.gitignore'), 'b/secret.env\n');
  writeFileSync(join(root, 'a/b/secret.env'), `T=${v}\n`);
  writeFileSync(join(root, 'bin.dat'), Buffer.concat([Buffer.from([0, 0, 1]), Buffer.from(`T=${v}`)]));
  writeFileSync(join(root, 'big.txt'), `T=${v}\n` + 'x'.repeat(2 * 1024 * 1024));
  writeFileSync(join(outside, 'o.env'), `T=${v}\n`);
  symlinkSync(outside, join(root, 'link-out'));
  symlinkSync(join(root, 'a'), join(root, 'link-in'));
  const out = await runScan({ type: 'paths', paths: [root] }, options(root));
  assert.deepEqual(out.findings.map((f) => `${f.kind}@${f.file}:${f.line}`), ['gitlab-pat@a/found.env:1']);
});

test('worker threads give the same findings as inline scanning', async () => {
  const root = tempDir();
  for (let i = 0; i < 150; i++) writeFileSync(join(root, `f${i}.env`), i % 10 === 0 ? `K=${gen('npm-token', i)}\n` : 'nothing=here\n');
  const inline = await runScan({ type: 'paths', paths: [root] }, options(root, 0));
  const pooled = await runScan({ type: 'paths', paths: [root] }, options(root, 2));
  assert.equal(inline.findings.length, 15);
  assert.deepEqual(pooled.findings.map((f) => f.fingerprint), inline.findings.map((f) => f.fingerprint));
});

test('history scan reports deleted secrets once, at the introducing commit, on every branch', async () => {
  const dir = tempDir();
  const git = repo(dir);
  const a = gen('stripe-secret-key', 2);
  const b = gen('slack-bot-token', 3);
  writeFileSync(join(dir, 'app.env'), `STRIPE=${a}\n`);
  git('add', '.');
  git('commit', '-qm', 'add key');
  const introduced = git('rev-parse', 'HEAD');
  writeFileSync(join(dir, 'app.env'), `# moved\nSTRIPE=${a}\n`);
  git('commit', '-qam', 'move it');
  writeFileSync(join(dir, 'app.env'), 'clean\n');
  git('commit', '-qam', 'remove it');
  git('checkout', '-qb', 'side');
  writeFileSync(join(dir, 'side.env'), `SLACK=${b}\n`);
  git('add', '.');
  git('commit', '-qm', 'side');
  git('rm', '-q', 'side.env');
  git('commit', '-qm', 'unside');
  git('checkout', '-q', 'main');
  const out = await runScan({ type: 'git', repo: '.' }, options(dir, 2));
  const stripe = out.findings.find((f) => f.kind === 'stripe-secret-key');
  assert.equal(out.findings.length, 2);
  assert.equal(stripe?.commit, introduced);
  assert.equal(stripe?.author, 'Ada Lovelace');
  assert.equal(stripe?.line, 1);
  assert.match(stripe?.date ?? '', /^2024-06-01T/);
  assert.ok(out.findings.some((f) => f.kind === 'slack-bot-token' && f.file === 'side.env'));
  assert.ok(out.stats.commits >= 5);

  const ranged = await runScan({ type: 'git', repo: '.', range: 'main' }, options(dir));
  assert.deepEqual(ranged.findings.map((f) => f.kind), ['stripe-secret-key']);
});

test('staged scan sees only what is about to be committed', async () => {
  const dir = tempDir();
  const git = repo(dir);
  writeFileSync(join(dir, 'ok.txt'), 'hello\n');
  git('add', '.');
  git('commit', '-qm', 'init');
  const key = gen('openai-api-key', 4);
  writeFileSync(join(dir, 'ok.txt'), `hello\nOPENAI_API_KEY=${key}\n`);
  writeFileSync(join(dir, 'unstaged.env'), `K=${gen('npm-token', 5)}\n`);
  assert.deepEqual((await runScan({ type: 'staged', repo: dir }, options(dir))).findings, []);
  git('add', 'ok.txt');
  const out = await runScan({ type: 'staged', repo: dir }, options(dir));
  assert.deepEqual(out.findings.map((f) => [f.kind, f.file, f.line, f.commit]), [['openai-api-key', 'ok.txt', 2, undefined]]);
});

test('text (stdin) scan and git errors', async () => {
  const out = await runScan({ type: 'text', text: `x\nK=${gen('groq-api-key', 1)}`, name: '-' }, options(tmpdir()));
  assert.deepEqual(out.findings.map((f) => [f.file, f.line]), [['-', 2]]);
  const notRepo = tempDir();
  await assert.rejects(runScan({ type: 'git', repo: notRepo }, options(notRepo)), /git log failed/);
});
