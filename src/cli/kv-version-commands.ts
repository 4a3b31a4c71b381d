// src/cli — `arca kv delete|undelete|destroy|rollback`: version lifecycle on KV v2
// (delete also works on v1). Rollback copies an older version's data as a new version,
// guarded by check-and-set on the current version so a concurrent write is not lost.
import type { Command } from './command.js';
import { CliFailure } from './cli-failure.js';
import { defineCommand } from './define-command.js';
import { UsageError } from './flags.js';
import { asNumber, asRecord, dataOf } from './json-shape.js';
import { printWriteMetadata } from './kv-output.js';
import { encodePath, kvApiPath, kvTarget, parseVersions, requireV2 } from './kv-target.js';

const MOUNT_USAGE = '  -mount=<path>     Mount path; PATH is then relative to it';

const del = defineCommand({
  words: ['kv', 'delete'],
  summary: 'Delete versions of a secret',
  usage: `Usage: arca kv delete [options] PATH

  Soft-deletes the latest version of PATH (or -versions on KV v2); deleted
  versions can be restored with "arca kv undelete". On KV v1 the key is removed.

  -versions=<n,...>   Versions to delete (KV v2)
${MOUNT_USAGE}`,
  flags: { versions: { kind: 'list' }, mount: { kind: 'string' } },
  args: [1, 1],
  async run(ctx) {
    const target = await kvTarget(ctx, ctx.args[0] ?? '', ctx.flags.mount);
    const versions = parseVersions(ctx.flags.versions);
    if (versions.length > 0) {
      requireV2(target, 'versioned deletes');
      const shown = kvApiPath(target, 'delete');
      await ctx.call(`deleting ${shown}`, 'PUT', encodePath(shown), { versions });
      ctx.out.print(`Success! Data deleted (if it existed) at: ${shown}`);
      return 0;
    }
    const shown = kvApiPath(target, 'data');
    await ctx.call(`deleting ${shown}`, 'DELETE', encodePath(shown));
    ctx.out.print(`Success! Data deleted (if it existed) at: ${shown}`);
    return 0;
  },
});

function versionCommand(verb: 'undelete' | 'destroy', summary: string, detail: string): Command {
  return defineCommand({
    words: ['kv', verb],
    summary,
    usage: `Usage: arca kv ${verb} [options] -versions=<n,...> PATH

  ${detail} KV v2 only.

  -versions=<n,...>   Versions to ${verb} (required)
${MOUNT_USAGE}`,
    flags: { versions: { kind: 'list' }, mount: { kind: 'string' } },
    args: [1, 1],
    async run(ctx) {
      const versions = parseVersions(ctx.flags.versions);
      if (versions.length === 0) throw new UsageError('No versions provided, use the "-versions" flag to specify the version(s)');
      const target = await kvTarget(ctx, ctx.args[0] ?? '', ctx.flags.mount);
      requireV2(target, verb);
      const shown = kvApiPath(target, verb);
      await ctx.call(`writing data to ${shown}`, 'PUT', encodePath(shown), { versions });
      ctx.out.print(`Success! Data written to: ${shown}`);
      return 0;
    },
  });
}

const rollback = defineCommand({
  words: ['kv', 'rollback'],
  summary: 'Roll back to a previous version of a secret',
  usage: `Usage: arca kv rollback [options] -version=<n> PATH

  Writes the data of version n as a new version of PATH. KV v2 only.

  -version=<n>    Version to restore (required)
${MOUNT_USAGE}`,
  flags: { version: { kind: 'int' }, mount: { kind: 'string' } },
  args: [1, 1],
  async run(ctx) {
    const version = ctx.flags.version;
    if (version === undefined || version <= 0) throw new UsageError('A version number is required: -version=<n>');
    const target = await kvTarget(ctx, ctx.args[0] ?? '', ctx.flags.mount);
    requireV2(target, 'rollback');
    const metaPath = kvApiPath(target, 'metadata');
    const meta = await ctx.callOrMissing(`reading ${metaPath}`, 'GET', encodePath(metaPath));
    if (meta === null) throw new CliFailure(`No value found at ${metaPath}`, 2);
    const current = asNumber(dataOf(meta)['current_version']) ?? 0;
    const info = asRecord(asRecord(dataOf(meta)['versions'])?.[String(version)]);
    if (!info) throw new CliFailure(`Error: version ${version} not found at ${target.full}`, 2);
    if (info['destroyed'] === true) throw new CliFailure(`Error: version ${version} of ${target.full} is destroyed`, 2);
    if (typeof info['deletion_time'] === 'string' && info['deletion_time'] !== '') {
      throw new CliFailure(`Error: version ${version} of ${target.full} is deleted; undelete it first`, 2);
    }
    const dataPath = kvApiPath(target, 'data');
    const old = await ctx.call(`reading ${dataPath}`, 'GET', `${encodePath(dataPath)}?version=${version}`);
    const data = asRecord(dataOf(old)['data']);
    if (!data) throw new CliFailure(`Error: no data in version ${version} of ${target.full}`, 2);
    const answer = await ctx.call(`writing data to ${dataPath}`, 'PUT', encodePath(dataPath), { data, options: { cas: current } });
    return printWriteMetadata(ctx.out, dataPath, answer);
  },
});

export const kvVersionCommands: readonly Command[] = [
  del,
  versionCommand('undelete', 'Undelete versions of a secret', 'Restores soft-deleted versions of PATH.'),
  versionCommand('destroy', 'Permanently destroy versions of a secret', 'Permanently removes the data of versions of PATH.'),
  rollback,
];
