// src/cli — `arca audit enable|disable|list` over sys/audit, and `arca audit verify FILE`,
// which checks a file device's hash chain locally (src/audit/verify-audit-log.ts) and exits
// 1 at the first edited, removed, reordered or malformed line.
import { verifyAuditLog } from '../audit/verify-audit-log.js';
import type { ChainHead } from '../audit/audit-chain.js';
import type { Command } from './command.js';
import { CliFailure } from './cli-failure.js';
import { defineCommand } from './define-command.js';
import { formatValue } from './format-value.js';
import { asRecord, asString } from './json-shape.js';
import { mountPath, mountUrl } from './mount-options.js';
import { parseKeyValues } from './parse-key-values.js';
import { mountsOf } from './mount-commands.js';
import { resolve } from 'node:path';

const enable = defineCommand({
  words: ['audit', 'enable'],
  summary: 'Enable an audit device',
  usage: `Usage: arca audit enable [options] TYPE [CONFIG K=V...]

  Enables an audit device of TYPE at -path (default: the type name). Every
  request is refused if no enabled device can record it.

  TYPE is file, socket or syslog.

      $ arca audit enable file file_path=/var/log/arca/audit.log
      $ arca audit enable socket address=127.0.0.1:9090 socket_type=tcp
      $ arca audit enable syslog facility=AUTH tag=arca address=127.0.0.1:514

  -path=<path>            Device path
  -description=<text>     Human description
  -local                  Do not replicate the device`,
  flags: { path: { kind: 'string' }, description: { kind: 'string' }, local: { kind: 'bool' } },
  args: [1, 64],
  async run(ctx) {
    const [type = '', ...pairs] = ctx.args;
    const path = mountPath(ctx.flags.path ?? type);
    const options = await parseKeyValues(pairs, ctx.io);
    const body = { type, description: ctx.flags.description ?? '', options, local: ctx.flags.local === true };
    await ctx.call('enabling audit device', 'PUT', `sys/audit/${mountUrl(path)}`, body);
    ctx.out.print(`Success! Enabled the ${type} audit device at: ${path}`);
    return 0;
  },
});

const disable = defineCommand({
  words: ['audit', 'disable'],
  summary: 'Disable an audit device',
  usage: `Usage: arca audit disable [options] PATH

  Disables the audit device at PATH.`,
  flags: {},
  args: [1, 1],
  async run(ctx) {
    const path = mountPath(ctx.args[0] ?? '');
    await ctx.call('disabling audit device', 'DELETE', `sys/audit/${mountUrl(path)}`);
    ctx.out.print(`Success! Disabled audit device (if it was enabled) at: ${path}`);
    return 0;
  },
});

const list = defineCommand({
  words: ['audit', 'list'],
  summary: 'List enabled audit devices',
  usage: `Usage: arca audit list [options]

  Lists the enabled audit devices.

  -detailed    Show each device's options`,
  flags: { detailed: { kind: 'bool' } },
  args: [0, 0],
  async run(ctx) {
    const body = await ctx.call('listing audits', 'GET', 'sys/audit');
    const devices = mountsOf(body);
    if (devices.length === 0 && !ctx.out.isStructured) {
      ctx.out.print('No audit devices are enabled.');
      return 2;
    }
    const cell = (m: Record<string, unknown>, k: string): string => asString(m[k]) ?? '';
    const structured = Object.fromEntries(devices);
    if (ctx.flags.detailed !== true) {
      return ctx.out.columns(['Path', 'Type', 'Description'], devices.map(([p, m]) => [p, cell(m, 'type'), cell(m, 'description')]), structured);
    }
    const rows = devices.map(([p, m]) => [
      p,
      cell(m, 'type'),
      cell(m, 'description'),
      m['local'] === true ? 'local' : 'replicated',
      formatValue(asRecord(m['options']) ?? {}),
    ]);
    return ctx.out.columns(['Path', 'Type', 'Description', 'Replication', 'Options'], rows, structured);
  },
});

const verify = defineCommand({
  words: ['audit', 'verify'],
  summary: "Verify a file audit log's hash chain",
  usage: `Usage: arca audit verify [options] FILE

  Checks that no record of the audit log FILE was edited, removed or reordered.
  Exit 0 when the chain is intact, 1 at the first bad line.

  A chain alone cannot show that its last records were cut off. Against a checkpoint (the
  head a running server reports, or one kept from earlier) it can: the checkpoint's record
  must be in FILE, unchanged.

  -prefix=<text>          The device's "prefix" option, if it was set
  -checkpoint=<seq>:<hash>  A chain head kept earlier (sys/audit-head/<path>)
  -checkpoint-from=<path>   Ask the server (sudo) for the head of its audit device <path>`,
  flags: { prefix: { kind: 'string' }, checkpoint: { kind: 'string' }, 'checkpoint-from': { kind: 'string' } },
  args: [1, 1],
  async run(ctx) {
    const file = ctx.args[0] ?? '';
    const checkpoint = await checkpointFor(ctx);
    let result: Awaited<ReturnType<typeof verifyAuditLog>>;
    try {
      const options = { ...(ctx.flags.prefix !== undefined ? { prefix: ctx.flags.prefix } : {}), ...(checkpoint ? { checkpoint } : {}) };
      result = await verifyAuditLog({ path: resolve(ctx.io.cwd, file) }, options);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CliFailure(`Error verifying audit log ${file}: ${code ?? (err instanceof Error ? err.message : String(err))}`, 1);
    }
    if (!result.ok) {
      if (ctx.out.isStructured) ctx.out.structured(result);
      ctx.io.stderr.write(`Audit log ${file} failed verification at line ${result.line}: ${result.reason}: ${result.detail}\n`);
      return 1;
    }
    if (ctx.out.isStructured) ctx.out.structured(result);
    else ctx.out.print(`Success! Verified ${result.records} audit records in ${file} (last seq ${result.last.seq})`);
    return 0;
  },
});

/** The -checkpoint / -checkpoint-from head, if one was asked for. */
async function checkpointFor(ctx: {
  readonly flags: { readonly checkpoint?: string | undefined; readonly 'checkpoint-from'?: string | undefined };
  call(doing: string, method: 'GET', path: string): Promise<unknown>;
}): Promise<ChainHead | undefined> {
  const given = ctx.flags.checkpoint;
  const from = ctx.flags['checkpoint-from'];
  if (given !== undefined && from !== undefined) throw new CliFailure('Use -checkpoint or -checkpoint-from, not both', 2);
  if (given !== undefined) {
    const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(given);
    if (!m) throw new CliFailure('-checkpoint must be <seq>:<64 hex digits>', 2);
    return { seq: Number(m[1]), hash: m[2] as string };
  }
  if (from === undefined) return undefined;
  const body = asRecord(await ctx.call('reading the audit chain head', 'GET', `sys/audit-head/${mountUrl(mountPath(from))}`));
  const data = asRecord(body?.['data']);
  const seq = data?.['seq'];
  const hash = asString(data?.['hash']);
  if (typeof seq !== 'number' || hash === undefined) throw new CliFailure('the server answered no chain head', 1);
  return { seq, hash };
}

export const auditCommands: readonly Command[] = [enable, disable, list, verify];
