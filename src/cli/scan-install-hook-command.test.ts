import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { VALUE_GENERATORS } from '../scanner/eval/sample-values.js';
import { SeededRandom } from '../scanner/eval/seeded-random.js';
import type { CliIo } from './command.js';
import { HOOK_MARKER, scanInstallHookCommand } from './scan-install-hook-command.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(): { dir: string; git: (...a: string[]) => ReturnType<typeof spawnSync>; io: CliIo & { err: () => string } } {
  const dir = mkdtempSync(join(tmpdir(), 'arca-'));
  dirs.push(dir);
  const env = { ...process.env, HOME: dir, GIT_CONFIG_NOSYSTEM: '1' };
  const git = (...a: string[]): ReturnType<typeof spawnSync> => spawnSync('git', a, { cwd: dir, env, encoding: 'utf8' });
  git('init', '-q');
  git('config', 'user.name', 'T');
  git('config', 'user.email', 't@example.test');
  let err = '';
  const io = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (err += s) },
    stdin: Readable.from([]),
    env: {},
    cwd: dir,
    err: () => err,
  };
  return { dir, git, io };
}

/** A stand-in `arca` binary that runs this checkout's scan command (under tsx or compiled). */
function fakeArcaBin(dir: string): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const entry = join(dir, `entry${ext === '.ts' ? '.mts' : '.mjs'}`);
  const commandUrl = new URL(`./scan-command${ext}`, import.meta.url).href;
  writeFileSync(
    entry,
    `import { scanCommand } from ${JSON.stringify(commandUrl)};\nimport { processIo } from ${JSON.stringify(new URL(`./command${ext}`, import.meta.url).href)};\n` +
      `process.exitCode = await scanCommand.run(process.argv.slice(3), processIo());\n`,
  );
  const bin = join(dir, 'arca-test-bin');
  // The hook runs in another directory, so the tsx loader is passed by absolute URL.
  const loader = ext === '.ts' ? `--import "${import.meta.resolve('tsx')}" ` : '';
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" ${loader}"${entry}" "$@"\n`);
  chmodSync(bin, 0o755);
  return bin;
}

test('installs an executable pre-commit hook and refuses to replace a foreign one', async () => {
  const { dir, io } = setup();
  assert.equal(await scanInstallHookCommand.run([], io), 0);
  const hook = join(dir, '.git/hooks/pre-commit');
  assert.ok(readFileSync(hook, 'utf8').includes(HOOK_MARKER));
  assert.ok((statSync(hook).mode & 0o111) !== 0);
  assert.equal(await scanInstallHookCommand.run([], io), 0, 'reinstalling our own hook is fine');
  writeFileSync(hook, '#!/bin/sh\necho mine\n');
  assert.equal(await scanInstallHookCommand.run([], io), 2);
  assert.match(io.err(), /already exists/);
  assert.equal(await scanInstallHookCommand.run(['-force'], io), 0);
  const notRepo = mkdtempSync(join(tmpdir(), 'arca-'));
  dirs.push(notRepo);
  assert.equal(await scanInstallHookCommand.run([notRepo], io), 2);
});

test('the hook blocks a commit that adds a secret and lets a clean one through', async () => {
  const { dir, git, io } = setup();
  const binDir = mkdtempSync(join(tmpdir(), 'arca-'));
  dirs.push(binDir);
  const bin = fakeArcaBin(binDir);
  assert.equal(await scanInstallHookCommand.run([`-bin=${bin}`], io), 0);
  writeFileSync(join(dir, 'clean.txt'), 'hello\n');
  git('add', 'clean.txt');
  const clean = git('commit', '-qm', 'clean');
  assert.equal(clean.status, 0, String(clean.stderr) + String(clean.stdout));
  const token = (VALUE_GENERATORS['figma-token'] as (r: SeededRandom) => string)(new SeededRandom(8));
  writeFileSync(join(dir, 'leak.env'), `FIGMA=${token}\n`);
  git('add', 'leak.env');
  const blocked = git('commit', '-qm', 'leak');
  assert.equal(blocked.status, 1);
  // git sends hook output to stderr.
  assert.match(String(blocked.stderr), /figma-token\s+leak\.env:1/);
  assert.ok(!String(blocked.stderr).includes(token));
  assert.equal(execFileSync('git', ['rev-list', '--count', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim(), '1');
});
