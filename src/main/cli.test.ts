import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commands, main } from './cli.js';
import { captureIo } from '../../test/cli/capture-io.js';

test('the table holds client, scan and server commands with unique words', async () => {
  const names = commands.map((c) => c.words.join(' '));
  assert.equal(new Set(names).size, names.length, 'duplicate command words');
  for (const expected of ['server', 'scan', 'status', 'kv put', 'kv metadata get', 'operator rekey', 'audit verify']) {
    assert.ok(names.includes(expected), expected);
  }
  const c = captureIo();
  assert.equal(await main(['help'], c.io), 0);
  assert.match(c.stdout(), /^Usage: arca <command>/);
  const u = captureIo();
  assert.equal(await main(['frobnicate'], u.io), 127);
  assert.match(u.stderr(), /Unknown command: frobnicate/);
});
