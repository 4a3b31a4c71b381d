// The `arca` executable with a reader that stops early (`arca ... | head -1`): the closed pipe
// ends the process quietly, as a Go CLI is ended by SIGPIPE, instead of an unhandled 'error'
// event and a stack trace. Runs bin/arca.js, so it needs the build (dist/), like the shim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// test/cli/x.ts under tsx, dist/test/cli/x.js when compiled: find the repository root.
const here = fileURLToPath(new URL('.', import.meta.url));
const root = [`${here}../..`, `${here}../../..`].find((dir) => existsSync(`${dir}/bin/arca.js`) && existsSync(`${dir}/package.json`)) ?? '.';

test('stdout closed by the reader: no stack trace, no unhandled error', async () => {
  // `help` prints the whole command table; the read end is closed before the process can write.
  const child = spawn(process.execPath, [`${root}/bin/arca.js`, 'help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(err, '');
  assert.equal(code, 0);
});
