// src/storage/sqlite — crash safety: a child process writes keys and reports each one it
// got acknowledged; the parent SIGKILLs it mid-stream, reopens the file and requires every
// acknowledged key to be present (WAL + synchronous=FULL). SIGKILL leaves the OS page cache
// intact, so this checks the acknowledgement ordering, not a power cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqlitePhysical } from './sqlite-physical.js';

// Under tsx the fixture is TypeScript; from dist/ it is compiled JavaScript.
const runningTs = import.meta.url.endsWith('.ts');
const fixture = fileURLToPath(new URL(`./sqlite-crash-writer.${runningTs ? 'ts' : 'js'}`, import.meta.url));

test('sqlite: every acknowledged write survives SIGKILL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arca-'));
  const path = join(dir, 'crash.db');
  try {
    const args = runningTs ? ['--import', 'tsx', fixture, path] : [fixture, path];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const acked: number[] = [];
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) acked.push(Number(line));
        if (acked.length >= 300) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', () => reject(new Error(`writer exited early: ${stderr}`)));
    });
    assert.equal(await exited, 'SIGKILL');

    const storage = SqlitePhysical.open(path);
    try {
      for (const n of acked) {
        const key = `crash/${String(n).padStart(8, '0')}`;
        assert.ok((await storage.get(key)) !== undefined, `acknowledged ${key} missing after SIGKILL`);
      }
      assert.ok((await storage.scan('crash/')).length >= acked.length);
    } finally {
      await storage.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
