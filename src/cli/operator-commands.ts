// src/cli — `arca operator init|unseal|seal|rotate|key-status`: the seal lifecycle over
// sys/init, sys/unseal, sys/seal, sys/rotate and sys/key-status. Unseal keys given by a
// person are read without echo (prompt-hidden.ts); they never appear in an error.
import type { Command } from './command.js';
import { defineCommand } from './define-command.js';
import { formatValue } from './format-value.js';
import { asRecord, asString, asStringArray, dataOf } from './json-shape.js';
import type { Row } from './output.js';
import { operatorRekeyCommand } from './operator-rekey.js';
import { promptHidden } from './prompt-hidden.js';
import { sealStatusRows } from './seal-status-rows.js';

const init = defineCommand({
  words: ['operator', 'init'],
  summary: 'Initialize a server',
  usage: `Usage: arca operator init [options]

  Initializes a new server: creates the root key, splits it into unseal key shares
  and prints them with the initial root token. Runs once per storage.

  -key-shares=<n>       Number of unseal key shares (default 5)
  -key-threshold=<n>    Shares needed to unseal (default 3)
  -status               Only report: exit 0 initialized, 2 not initialized, 1 error`,
  flags: {
    'key-shares': { kind: 'int', default: 5 },
    'key-threshold': { kind: 'int', default: 3 },
    status: { kind: 'bool' },
  },
  args: [0, 0],
  async run(ctx) {
    if (ctx.flags.status === true) {
      const body = asRecord(await ctx.call('checking initialization status', 'GET', 'sys/init')) ?? {};
      const initialized = body['initialized'] === true;
      ctx.out.print(initialized ? 'Arca is initialized' : 'Arca is not initialized');
      return initialized ? 0 : 2;
    }
    const shares = ctx.flags['key-shares'] ?? 5;
    const threshold = ctx.flags['key-threshold'] ?? 3;
    const body = asRecord(await ctx.call('initializing', 'PUT', 'sys/init', { secret_shares: shares, secret_threshold: threshold })) ?? {};
    const b64 = asStringArray(body['keys_base64']);
    const hex = asStringArray(body['keys']);
    const keys = b64.length > 0 ? b64 : hex;
    const rootToken = asString(body['root_token']) ?? '';
    const structured = { unseal_keys_b64: b64, unseal_keys_hex: hex, unseal_shares: shares, unseal_threshold: threshold, root_token: rootToken };
    if (ctx.out.field !== undefined) return ctx.out.rawField(structured, ctx.out.field);
    if (ctx.out.isStructured) {
      ctx.out.structured(structured);
      return 0;
    }
    const lines = keys.map((k, i) => `Unseal Key ${i + 1}: ${k}`);
    ctx.out.print(`${lines.join('\n')}\n\nInitial Root Token: ${rootToken}\n`);
    ctx.out.print(
      `Arca initialized with ${shares} key shares and a key threshold of ${threshold}. Please securely
distribute the key shares printed above. When the server is re-sealed,
restarted, or stopped, you must supply at least ${threshold} of these keys to unseal it
before it can start servicing requests.

Arca does not store the generated root key. Without at least ${threshold} keys to
reconstruct the root key, Arca will remain permanently sealed!

It is possible to generate new unseal keys, provided you have a quorum of
existing unseal keys shares. See "arca operator rekey" for more information.`,
    );
    return 0;
  },
});

const unseal = defineCommand({
  words: ['operator', 'unseal'],
  summary: 'Provide an unseal key share',
  usage: `Usage: arca operator unseal [options] [KEY]

  Provides one unseal key share. Without KEY the share is read from the terminal
  without echo. Repeat with different shares until the threshold is reached.

  -reset    Discard the shares provided so far`,
  flags: { reset: { kind: 'bool' } },
  args: [0, 1],
  async run(ctx) {
    let request: Record<string, unknown>;
    if (ctx.flags.reset === true) request = { reset: true };
    else {
      const key = ctx.args[0] ?? (await promptHidden(ctx.io, 'Unseal Key (will be hidden): '));
      if (key.trim() === '') {
        ctx.io.stderr.write('Error unsealing: no unseal key given\n');
        return 2;
      }
      request = { key: key.trim() };
    }
    const body = await ctx.call('unsealing', 'PUT', 'sys/unseal', request);
    return ctx.out.keyValues(sealStatusRows(body), body, asRecord(body) ?? {});
  },
});

const seal = defineCommand({
  words: ['operator', 'seal'],
  summary: 'Seal the server',
  usage: `Usage: arca operator seal [options]

  Seals the server: the keyring is dropped from memory and every request fails
  until the server is unsealed again. Requires a sudo-capable token.`,
  flags: {},
  args: [0, 0],
  async run(ctx) {
    await ctx.call('sealing', 'PUT', 'sys/seal');
    ctx.out.print('Success! Sealed the server.');
    return 0;
  },
});

function keyStatusRows(data: Record<string, unknown>): Row[] {
  const rows: Row[] = [['Key Term', formatValue(data['term'] ?? '')], ['Install Time', formatValue(data['install_time'] ?? '')]];
  if (data['encryptions'] !== undefined) rows.push(['Encryption Count', formatValue(data['encryptions'])]);
  return rows;
}

const keyStatus = defineCommand({
  words: ['operator', 'key-status'],
  summary: 'Show the active encryption key term',
  usage: `Usage: arca operator key-status [options]

  Prints the term of the active encryption key and when it was installed.`,
  flags: {},
  args: [0, 0],
  async run(ctx) {
    const body = await ctx.call('reading key status', 'GET', 'sys/key-status');
    const data = Object.keys(dataOf(body)).length > 0 ? dataOf(body) : (asRecord(body) ?? {});
    return ctx.out.keyValues(keyStatusRows(data), body, data);
  },
});

const rotate = defineCommand({
  words: ['operator', 'rotate'],
  summary: 'Rotate the encryption key',
  usage: `Usage: arca operator rotate [options]

  Adds a new encryption key term to the keyring. New writes use it; existing
  data stays readable with the older terms.`,
  flags: {},
  args: [0, 0],
  async run(ctx) {
    await ctx.call('rotating key', 'PUT', 'sys/rotate');
    const body = await ctx.call('reading key status', 'GET', 'sys/key-status');
    const data = Object.keys(dataOf(body)).length > 0 ? dataOf(body) : (asRecord(body) ?? {});
    if (ctx.out.field !== undefined || ctx.out.isStructured) return ctx.out.keyValues([], body, data);
    ctx.out.print('Success! Rotated key\n');
    return ctx.out.keyValues(keyStatusRows(data), body, data);
  },
});

export const operatorCommands: readonly Command[] = [init, unseal, seal, keyStatus, rotate, operatorRekeyCommand];
