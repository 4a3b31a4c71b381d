import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from './command.js';
import { runCli } from './run-cli.js';
import { captureIo } from '../../test/cli/capture-io.js';

function fake(words: string[], calls: string[][]): Command {
  return {
    words,
    summary: `summary of ${words.join(' ')}`,
    usage: `Usage: arca ${words.join(' ')}`,
    run: async (args) => {
      calls.push([...words, '|', ...args]);
      return 0;
    },
  };
}

test('the longest matching command words win', async () => {
  const calls: string[][] = [];
  const table = [fake(['kv', 'get'], calls), fake(['kv', 'metadata', 'get'], calls), fake(['kv'], calls)];
  const c = captureIo();
  assert.equal(await runCli(['kv', 'metadata', 'get', 'secret/x'], c.io, table), 0);
  assert.equal(await runCli(['kv', 'get', '-field=a', 'secret/x'], c.io, table), 0);
  assert.equal(await runCli(['kv', 'other'], c.io, table), 0);
  assert.deepEqual(calls, [
    ['kv', 'metadata', 'get', '|', 'secret/x'],
    ['kv', 'get', '|', '-field=a', 'secret/x'],
    ['kv', '|', 'other'],
  ]);
});

test('help, -h and unknown commands', async () => {
  const calls: string[][] = [];
  const table = [fake(['kv', 'get'], calls), fake(['status'], calls)];
  let c = captureIo();
  assert.equal(await runCli(['help'], c.io, table), 0);
  assert.match(c.stdout(), /kv get\s+summary of kv get/);
  c = captureIo();
  assert.equal(await runCli(['kv', 'get', '-h'], c.io, table), 0);
  assert.equal(c.stdout(), 'Usage: arca kv get\n');
  c = captureIo();
  assert.equal(await runCli(['help', 'status'], c.io, table), 0);
  assert.equal(c.stdout(), 'Usage: arca status\n');
  c = captureIo();
  // hashicorp/cli, Vault's framework: 127 for an unknown command, 1 for a bare group.
  assert.equal(await runCli(['nope'], c.io, table), 127);
  assert.match(c.stderr(), /Unknown command: nope/);
  assert.match(c.stderr(), /Usage: arca <command>/);
  assert.equal(c.stdout(), '');
  c = captureIo();
  assert.equal(await runCli(['kv', 'bogus'], c.io, table), 1);
  assert.match(c.stderr(), /Unknown command: kv bogus/);
  assert.match(c.stderr(), /kv get/);
  c = captureIo();
  assert.equal(await runCli(['kv', '-h'], c.io, table), 0);
  assert.match(c.stdout(), /Usage: arca kv <subcommand>/);
  c = captureIo();
  assert.equal(await runCli([], c.io, table), 127);
  assert.match(c.stderr(), /Usage: arca/);
  assert.deepEqual(calls, []);
});

test('-h after -- is an argument, not a help request', async () => {
  const calls: string[][] = [];
  const c = captureIo();
  assert.equal(await runCli(['status', '--', '-h'], c.io, [fake(['status'], calls)]), 0);
  assert.deepEqual(calls, [['status', '|', '--', '-h']]);
});
