// src/cli — `arca secrets …` and `arca auth …` (enable|disable|list|tune|move): the two kinds
// of mount share one set of commands over sys/mounts or sys/auth (+ /tune, sys/remount),
// with Vault's flags and messages; auth adds the user-lockout tune flags.
import type { Command } from './command.js';
import { defineCommand } from './define-command.js';
import { formatValue } from './format-value.js';
import { asRecord, asString, dataOf } from './json-shape.js';
import type { JsonRecord } from './json-shape.js';
import { mountPath, mountUrl, optionsFromList, ttlCell } from './mount-options.js';
import { UsageError } from './flags.js';

/** What differs between the secrets-engine and auth-method commands. */
export interface MountKind {
  /** The command noun: `secrets` or `auth`. */
  readonly noun: 'secrets' | 'auth';
  /** The API collection: `sys/mounts` or `sys/auth`. */
  readonly api: 'sys/mounts' | 'sys/auth';
  /** For messages: `secrets engine` or `auth method`. */
  readonly thing: string;
  /** remount paths carry this prefix (`auth/` for auth methods). */
  readonly remountPrefix: string;
  readonly example: string;
}

export const SECRETS: MountKind = { noun: 'secrets', api: 'sys/mounts', thing: 'secrets engine', remountPrefix: '', example: 'arca secrets enable -path=secret -version=2 kv' };
export const AUTH: MountKind = { noun: 'auth', api: 'sys/auth', thing: 'auth method', remountPrefix: 'auth/', example: 'arca auth enable -path=people userpass' };

export function mountCommands(k: MountKind): readonly Command[] {
  const enable = defineCommand({
    words: [k.noun, 'enable'],
    summary: `Enable ${article(k.thing)}`,
    usage: `Usage: arca ${k.noun} enable [options] TYPE

  Mounts ${article(k.thing)} of TYPE at -path (default: the type name).

      $ ${k.example}

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
      await ctx.call('enabling', 'POST', `${k.api}/${mountUrl(path)}`, body);
      ctx.out.print(`Success! Enabled the ${type} ${k.thing} at: ${path}`);
      return 0;
    },
  });

  const disable = defineCommand({
    words: [k.noun, 'disable'],
    summary: `Disable ${article(k.thing)}`,
    usage: `Usage: arca ${k.noun} disable [options] PATH

  Unmounts the ${k.thing} at PATH. All its data and leases are revoked and
  deleted.`,
    flags: {},
    args: [1, 1],
    async run(ctx) {
      const path = mountPath(ctx.args[0] ?? '');
      await ctx.call(`disabling ${k.thing} at ${path}`, 'DELETE', `${k.api}/${mountUrl(path)}`);
      ctx.out.print(`Success! Disabled the ${k.thing} (if it existed) at: ${path}`);
      return 0;
    },
  });

  const list = defineCommand({
    words: [k.noun, 'list'],
    summary: `List enabled ${k.thing}s`,
    usage: `Usage: arca ${k.noun} list [options]

  Lists the mounted ${k.thing}s.

  -detailed    Show TTLs, options and more`,
    flags: { detailed: { kind: 'bool' } },
    args: [0, 0],
    async run(ctx) {
      const body = await ctx.call(`listing ${k.thing}s`, 'GET', k.api);
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
    words: [k.noun, 'tune'],
    summary: `Tune ${article(k.thing)} configuration`,
    usage: `Usage: arca ${k.noun} tune [options] PATH

  Changes the configuration of the mount at PATH.

  -default-lease-ttl=<d>   Default lease TTL
  -max-lease-ttl=<d>       Maximum lease TTL
  -description=<text>      Description
  -options=<k=v>           Engine option (repeatable)
  -version=<n>             Shorthand for -options=version=<n>${k.noun === 'auth' ? LOCKOUT_USAGE : ''}`,
    flags: {
      'default-lease-ttl': { kind: 'string' },
      'max-lease-ttl': { kind: 'string' },
      description: { kind: 'string' },
      options: { kind: 'list' },
      version: { kind: 'int' },
      'user-lockout-threshold': { kind: 'int' },
      'user-lockout-duration': { kind: 'string' },
      'user-lockout-counter-reset-duration': { kind: 'string' },
      'user-lockout-disable': { kind: 'bool' },
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
      const lockout: JsonRecord = {};
      if (f['user-lockout-threshold'] !== undefined) lockout['lockout_threshold'] = f['user-lockout-threshold'];
      if (f['user-lockout-duration'] !== undefined) lockout['lockout_duration'] = f['user-lockout-duration'];
      if (f['user-lockout-counter-reset-duration'] !== undefined) lockout['lockout_counter_reset'] = f['user-lockout-counter-reset-duration'];
      if (f['user-lockout-disable'] !== undefined) lockout['lockout_disable'] = f['user-lockout-disable'];
      if (Object.keys(lockout).length > 0) {
        if (k.noun !== 'auth') throw new UsageError('the -user-lockout-* flags apply to auth methods');
        body['user_lockout_config'] = lockout;
      }
      await ctx.call(`tuning ${k.thing} ${path}`, 'POST', `${k.api}/${mountUrl(path)}/tune`, body);
      ctx.out.print(`Success! Tuned the ${k.thing} at: ${path}`);
      return 0;
    },
  });

  const move = defineCommand({
    words: [k.noun, 'move'],
    summary: `Move ${article(k.thing)} to a new path`,
    usage: `Usage: arca ${k.noun} move [options] SOURCE DESTINATION

  Moves the mount at SOURCE, with its data, to DESTINATION.`,
    flags: {},
    args: [2, 2],
    async run(ctx) {
      const from = mountPath(ctx.args[0] ?? '');
      const to = mountPath(ctx.args[1] ?? '');
      const body = await ctx.call(`moving ${k.thing} ${from} to ${to}`, 'POST', 'sys/remount', { from: k.remountPrefix + from, to: k.remountPrefix + to });
      const migration = asString(asRecord(body)?.['migration_id']) ?? asString(dataOf(body)['migration_id']);
      if (migration !== undefined) ctx.out.print(`Success! Started moving ${k.thing} ${from} to ${to}, with migration ID ${migration}`);
      else ctx.out.print(`Success! Moved ${k.thing} ${from} to: ${to}`);
      return 0;
    },
  });

  return [enable, disable, list, tune, move];
}

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

const LOCKOUT_USAGE = `
  -user-lockout-threshold=<n>                 Failed logins that lock an account
  -user-lockout-duration=<d>                  How long an account stays locked
  -user-lockout-counter-reset-duration=<d>    Failures are forgotten after this
  -user-lockout-disable                       Turn account lockout off`;

function article(thing: string): string {
  return /^[aeiou]/.test(thing) ? `an ${thing}` : `a ${thing}`;
}
