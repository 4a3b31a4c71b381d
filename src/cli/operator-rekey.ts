// src/cli — `arca operator rekey`: replaces the unseal key shares through sys/rekey/*.
// -init starts (new shares/threshold), -status reports, -cancel aborts; otherwise one
// current share is provided (argument or no-echo prompt) with the operation's nonce, and
// when the threshold is met the new shares are printed.
import { defineCommand } from './define-command.js';
import type { CommandContext } from './define-command.js';
import { formatValue } from './format-value.js';
import { asNumber, asRecord, asString, asStringArray } from './json-shape.js';
import type { Row } from './output.js';
import { promptHidden } from './prompt-hidden.js';

const flags = {
  init: { kind: 'bool' },
  cancel: { kind: 'bool' },
  status: { kind: 'bool' },
  'key-shares': { kind: 'int', default: 5 },
  'key-threshold': { kind: 'int', default: 3 },
  nonce: { kind: 'string' },
} as const;

function statusRows(s: Record<string, unknown>): Row[] {
  return [
    ['Nonce', formatValue(s['nonce'] ?? '')],
    ['Started', formatValue(s['started'] ?? false)],
    ['Rekey Progress', `${asNumber(s['progress']) ?? 0}/${asNumber(s['required']) ?? 0}`],
    ['New Shares', formatValue(s['n'] ?? '')],
    ['New Threshold', formatValue(s['t'] ?? '')],
    ['Verification Required', formatValue(s['verification_required'] ?? false)],
  ];
}

async function provide(ctx: CommandContext<typeof flags>): Promise<number> {
  let nonce = ctx.flags.nonce;
  if (nonce === undefined || nonce === '') {
    const status = asRecord(await ctx.call('getting rekey status', 'GET', 'sys/rekey/init')) ?? {};
    if (status['started'] !== true) {
      ctx.io.stderr.write('No rekey is in progress. Start a rekey process by running "arca operator rekey -init".\n');
      return 2;
    }
    nonce = asString(status['nonce']) ?? '';
  }
  const key = (ctx.args[0] ?? (await promptHidden(ctx.io, 'Rekey Key (will be hidden): '))).trim();
  if (key === '') {
    ctx.io.stderr.write('Error posting unseal key: no key given\n');
    return 2;
  }
  const body = asRecord(await ctx.call('posting unseal key', 'PUT', 'sys/rekey/update', { key, nonce })) ?? {};
  if (body['complete'] !== true) {
    const status = asRecord(await ctx.call('getting rekey status', 'GET', 'sys/rekey/init')) ?? body;
    return ctx.out.keyValues(statusRows(status), status, status);
  }
  if (ctx.out.field !== undefined || ctx.out.isStructured) return ctx.out.keyValues([], body, body);
  const b64 = asStringArray(body['keys_base64']);
  const keys = b64.length > 0 ? b64 : asStringArray(body['keys']);
  const shares = keys.length;
  const threshold = ctx.flags['key-threshold'] ?? 3;
  ctx.out.print(`${keys.map((k, i) => `Key ${i + 1}: ${k}`).join('\n')}\n\nOperation nonce: ${asString(body['nonce']) ?? nonce}\n`);
  ctx.out.print(
    `Arca rekeyed with ${shares} key shares and a key threshold of ${asNumber(body['t']) ?? threshold}. Please
securely distribute the key shares printed above. When the server is re-sealed,
restarted, or stopped, you must supply at least that many of these keys to unseal it.`,
  );
  return 0;
}

export const operatorRekeyCommand = defineCommand({
  words: ['operator', 'rekey'],
  summary: 'Generate new unseal keys',
  usage: `Usage: arca operator rekey [options] [KEY]

  Replaces the unseal key shares. Start with -init, then provide current shares
  (as an argument, or typed without echo) until the threshold is reached.

      $ arca operator rekey -init -key-shares=5 -key-threshold=3
      $ arca operator rekey

  -init                 Start a rekey operation
  -key-shares=<n>       Number of new key shares (default 5, with -init)
  -key-threshold=<n>    New threshold (default 3, with -init)
  -nonce=<nonce>        Nonce of the operation (read from the status if omitted)
  -status               Print the status of the current operation
  -cancel               Cancel the current operation`,
  flags,
  args: [0, 1],
  async run(ctx) {
    const modes = [ctx.flags.init, ctx.flags.cancel, ctx.flags.status].filter((m) => m === true).length;
    if (modes > 1) {
      ctx.io.stderr.write('Only one of -init, -cancel or -status may be given\n');
      return 2;
    }
    if (ctx.flags.cancel === true) {
      await ctx.call('canceling rekey', 'DELETE', 'sys/rekey/init');
      ctx.out.print('Success! Canceled rekeying (if it was started)');
      return 0;
    }
    if (ctx.flags.init === true) {
      const body = { secret_shares: ctx.flags['key-shares'] ?? 5, secret_threshold: ctx.flags['key-threshold'] ?? 3 };
      const status = asRecord(await ctx.call('initializing rekey', 'PUT', 'sys/rekey/init', body)) ?? {};
      return ctx.out.keyValues(statusRows(status), status, status);
    }
    if (ctx.flags.status === true) {
      const status = asRecord(await ctx.call('getting rekey status', 'GET', 'sys/rekey/init')) ?? {};
      return ctx.out.keyValues(statusRows(status), status, status);
    }
    return provide(ctx);
  },
});
