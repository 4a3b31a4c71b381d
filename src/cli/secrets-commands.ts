// src/cli — `arca secrets enable|disable|list|tune|move`: secrets engine mounts over
// sys/mounts, sys/mounts/<path>/tune and sys/remount, with Vault's flags and messages.
import type { Command } from './command.js';
import { defineCommand } from './define-command.js';
import { formatValue } from './format-value.js';
import { asRecord, asString, dataOf } from './json-shape.js';
import type { JsonRecord } from './json-shape.js';
import { mountPath, mountUrl, optionsFromList, ttlCell } from './mount-options.js';

const enable = defineCommand({
  words: ['secrets', 'enable'],
  summary: 'Enable a secrets engine',
  usage: `Usage: arca secrets enable [options] TYPE

  Mounts a secrets engine of TYPE at -path (default: the type name).

      $ arca secrets enable -path=secret -version=2 kv

  -path=<path>                  Mount path
  -description=<text>           Human description
  -default-lease-ttl=<d>        Default lease TTL of the mount
  -max-lease-ttl=<d>            Maximum lease TTL of the mount
  -options=<k=v>                Engine option (repeatable)
  -version=<n>                  Shorthand for -options=version=<n>
  -local                        Do not replicate the mount
  -seal-wrap                    Seal-wrap the mount's data`,
  flags: {
    path: { kind: 'string' },
    description: { kind: 'string' },
    'default-lease-ttl': { kind: 'string' },
    'max-lease-ttl': { kind: 'string' },
    options: { kind: 'list' },
    version: { kind: 'int' },
    local: { kind: 'bool' },
    'seal-wrap': { kind: 'bool' },
  },
  args: [1, 1],
  async run(ctx) {
    let type = ctx.args[0] ?? '';
    const f = ctx.flags;
    const path = mountPath(f.path ?? type);
    const options = optionsFromList('options', f.options);
    if (type === 'kv-v2') {
      type = 'kv';
      options['version'] = '2';
    }
    if (f.version !== undefined) options['version'] = String(f.version);
    const config: JsonRecord = {};
    if (f['default-lease-ttl'] !== undefined) config['default_lease_ttl'] = f['default-lease-ttl'];
    if (f['max-lease-ttl'] !== undefined) config['max_lease_ttl'] = f['max-lease-ttl'];
    const body: JsonRecord = { type, description: f.description ?? '', config, options };
    if (f.local === true) body['local'] = true;
    if (f['seal-wrap'] === true) body['seal_wrap'] = true;
    await ctx.call('enabling', 'POST', `sys/mounts/${mountUrl(path)}`, body);
    ctx.out.print(`Success! Enabled the ${type} secrets engine at: ${path}`);
    return 0;
  },
});

const disable = defineCommand({
  words: ['secrets', 'disable'],
  summary: 'Disable a secrets engine',
  usage: `Usage: arca secrets disable [options] PATH

  Unmounts the secrets engine at PATH. All its data and leases are revoked and
  deleted.`,
  flags: {},
  args: [1, 1],
  async run(ctx) {
    const path = mountPath(ctx.args[0] ?? '');
    await ctx.call(`disabling secrets engine at ${path}`, 'DELETE', `sys/mounts/${mountUrl(path)}`);
    ctx.out.print(`Success! Disabled the secrets engine (if it existed) at: ${path}`);
    return 0;
  },
});

/** The mounts of a sys/mounts or sys/auth answer, whichever envelope the server used. */
export function mountsOf(body: unknown): [string, JsonRecord][] {
  const data = dataOf(body);
  const source = Object.keys(data).length > 0 ? data : (asRecord(body) ?? {});
  const out: [string, JsonRecord][] = [];
  for (const [path, value] of Object.entries(source)) {
    const mount = asRecord(value);
    if (mount && typeof mount['type'] === 'string') out.push([path, mount]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const list = defineCommand({
  words: ['secrets', 'list'],
  summary: 'List enabled secrets engines',
  usage: `Usage: arca secrets list [options]

  Lists the mounted secrets engines.

  -detailed    Show TTLs, options and more`,
  flags: { detailed: { kind: 'bool' } },
  args: [0, 0],
  async run(ctx) {
    const body = await ctx.call('listing secrets engines', 'GET', 'sys/mounts');
    const mounts = mountsOf(body);
    const structured = Object.fromEntries(mounts);
    const cell = (m: JsonRecord, k: string): string => asString(m[k]) ?? '';
    if (ctx.flags.detailed !== true) {
      const rows = mounts.map(([p, m]) => [p, cell(m, 'type'), cell(m, 'accessor'), cell(m, 'description')]);
      return ctx.out.columns(['Path', 'Type', 'Accessor', 'Description'], rows, structured);
    }
    const rows = mounts.map(([p, m]) => {
      const config = asRecord(m['config']) ?? {};
      const options = asRecord(m['options']);
      return [
        p,
        cell(m, 'type'),
        cell(m, 'accessor'),
        ttlCell(config['default_lease_ttl']),
        ttlCell(config['max_lease_ttl']),
        formatValue(m['local'] === true ? 'local' : 'replicated'),
        formatValue(m['seal_wrap'] ?? false),
        options ? formatValue(options) : 'map[]',
        cell(m, 'description'),
        cell(m, 'uuid'),
      ];
    });
    const header = ['Path', 'Type', 'Accessor', 'Default TTL', 'Max TTL', 'Replication', 'Seal Wrap', 'Options', 'Description', 'UUID'];
    return ctx.out.columns(header, rows, structured);
  },
});

const tune = defineCommand({
  words: ['secrets', 'tune'],
  summary: 'Tune a secrets engine configuration',
  usage: `Usage: arca secrets tune [options] PATH

  Changes the configuration of the mount at PATH.

  -default-lease-ttl=<d>   Default lease TTL
  -max-lease-ttl=<d>       Maximum lease TTL
  -description=<text>      Description
  -options=<k=v>           Engine option (repeatable)
  -version=<n>             Shorthand for -options=version=<n>`,
  flags: {
    'default-lease-ttl': { kind: 'string' },
    'max-lease-ttl': { kind: 'string' },
    description: { kind: 'string' },
    options: { kind: 'list' },
    version: { kind: 'int' },
  },
  args: [1, 1],
  async run(ctx) {
    const f = ctx.flags;
    const path = mountPath(ctx.args[0] ?? '');
    const body: JsonRecord = {};
    if (f['default-lease-ttl'] !== undefined) body['default_lease_ttl'] = f['default-lease-ttl'];
    if (f['max-lease-ttl'] !== undefined) body['max_lease_ttl'] = f['max-lease-ttl'];
    if (f.description !== undefined) body['description'] = f.description;
    const options = optionsFromList('options', f.options);
    if (f.version !== undefined) options['version'] = String(f.version);
    if (Object.keys(options).length > 0) body['options'] = options;
    await ctx.call(`tuning secrets engine ${path}`, 'POST', `sys/mounts/${mountUrl(path)}/tune`, body);
    ctx.out.print(`Success! Tuned the secrets engine at: ${path}`);
    return 0;
  },
});

const move = defineCommand({
  words: ['secrets', 'move'],
  summary: 'Move a secrets engine to a new path',
  usage: `Usage: arca secrets move [options] SOURCE DESTINATION

  Moves the mount at SOURCE, with its data, to DESTINATION.`,
  flags: {},
  args: [2, 2],
  async run(ctx) {
    const from = mountPath(ctx.args[0] ?? '');
    const to = mountPath(ctx.args[1] ?? '');
    const body = await ctx.call(`moving secrets engine ${from} to ${to}`, 'POST', 'sys/remount', { from, to });
    const migration = asString(asRecord(body)?.['migration_id']) ?? asString(dataOf(body)['migration_id']);
    if (migration !== undefined) ctx.out.print(`Success! Started moving secrets engine ${from} to ${to}, with migration ID ${migration}`);
    else ctx.out.print(`Success! Moved secrets engine ${from} to: ${to}`);
    return 0;
  },
});

export const secretsCommands: readonly Command[] = [enable, disable, list, tune, move];
