import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { CliIo } from './command.js';
import { CliFailure } from './cli-failure.js';
import { promptHidden, readLine } from './prompt-hidden.js';

function ttyIo(): { io: CliIo; stdin: PassThrough; raw: boolean[]; written: () => string } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[] });
  const raw: boolean[] = [];
  (stdin as unknown as { setRawMode: (on: boolean) => void }).setRawMode = (on: boolean) => void raw.push(on);
  let written = '';
  const sink = { write: (c: string) => (written += c), isTTY: true };
  return { io: { stdout: sink, stderr: sink, stdin, env: {}, cwd: '/' }, stdin, raw, written: () => written };
}

test('a terminal is switched to raw mode, nothing typed is echoed, backspace edits', async () => {
  const t = ttyIo();
  const answer = promptHidden(t.io, 'Key: ');
  t.stdin.write('ab\u007fc');
  t.stdin.write('d\r');
  assert.equal(await answer, 'acd');
  assert.deepEqual(t.raw, [true, false]);
  assert.equal(t.written(), 'Key: \n');
});

test('Ctrl-C aborts and still restores the terminal', async () => {
  const t = ttyIo();
  const answer = promptHidden(t.io, 'Key: ');
  t.stdin.write('se\u0003');
  await assert.rejects(answer, (err: unknown) => err instanceof CliFailure && err.exitCode === 130);
  assert.deepEqual(t.raw, [true, false]);
});

test('from a pipe, one line is read and the rest stays for the next reader', async () => {
  const stdin = new PassThrough();
  stdin.end('first\r\nsecond\n');
  assert.equal(await readLine(stdin), 'first');
  assert.equal(await readLine(stdin), 'second');
});
