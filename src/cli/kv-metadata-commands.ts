// src/cli — `arca kv metadata get|put|delete`: the per-key metadata of KV v2 (version
// history, max versions, check-and-set requirement, custom metadata).
import type { Command } from './command.js';
import { defineCommand } from './define-command.js';
import { asRecord, dataOf } from './json-shape.js';
import type { JsonRecord } from './json-shape.js';
import { pathSection, section } from './kv-output.js';
import { encodePath, kvApiPath, kvTarget, requireV2 } from './kv-target.js';
import { optionsFromList } from './mount-options.js';

const MOUNT_USAGE = '  -mount=<path>     Mount path; PATH is then relative to it';

const get = defineCommand({
  words: ['kv', 'metadata', 'get'],
  summary: "Retrieve a secret's metadata and versions",
  usage: `Usage: arca kv metadata get [options] PATH

  Prints the metadata of PATH and every version's state. KV v2 only.
${MOUNT_USAGE}`,
  flags: { mount: { kind: 'string' } },
  args: [1, 1],
  async run(ctx) {
    const target = await kvTarget(ctx, ctx.args[0] ?? '', ctx.flags.mount);
    requireV2(target, 'metadata');
    const shown = kvApiPath(target, 'metadata');
    const body = await ctx.callOrMissing(`reading ${shown}`, 'GET', encodePath(shown));
    if (body === null || body === undefined) {
      ctx.io.stderr.write(`No value found at ${shown}\n`);
      return 2;
    }
    const data = dataOf(body);
    if (ctx.out.field !== undefined) return ctx.out.rawField(data, ctx.out.field);
    if (ctx.out.isStructured) {
      ctx.out.secretStructured(body);
      return 0;
    }
    const { versions, ...rest } = data;
    pathSection(ctx.out, 'Metadata Path', shown);
    section(ctx.out, 'Metadata', rest);
    const byVersion = asRecord(versions) ?? {};
    for (const v of Object.keys(byVersion).sort((a, b) => Number(a) - Number(b))) {
      ctx.out.print('');
      section(ctx.out, `Version ${v}`, asRecord(byVersion[v]) ?? {});
    }
    return 0;
  },
});

const put = defineCommand({
  words: ['kv', 'metadata', 'put'],
  summary: "Set a secret's metadata",
  usage: `Usage: arca kv metadata put [options] PATH

  Creates or updates the metadata of PATH. KV v2 only.

  -max-versions=<n>              Versions to keep (0: the mount's setting)
  -cas-required                  Require -cas on every write
  -delete-version-after=<d>      Delete versions after this long (0s: never)
  -custom-metadata=<k=v>         Custom metadata (repeatable)
${MOUNT_USAGE}`,
  flags: {
    'max-versions': { kind: 'int' },
    'cas-required': { kind: 'bool' },
    'delete-version-after': { kind: 'string' },
    'custom-metadata': { kind: 'list' },
    mount: { kind: 'string' },
  },
  args: [1, 1],
  async run(ctx) {
    const f = ctx.flags;
    const target = await kvTarget(ctx, ctx.args[0] ?? '', f.mount);
    requireV2(target, 'metadata');
    const body: JsonRecord = {};
    if (f['max-versions'] !== undefined) body['max_versions'] = f['max-versions'];
    if (f['cas-required'] !== undefined) body['cas_required'] = f['cas-required'];
    if (f['delete-version-after'] !== undefined) body['delete_version_after'] = f['delete-version-after'];
    if (f['custom-metadata'] !== undefined) body['custom_metadata'] = optionsFromList('custom-metadata', f['custom-metadata']);
    const shown = kvApiPath(target, 'metadata');
    await ctx.call(`writing data to ${shown}`, 'PUT', encodePath(shown), body);
    ctx.out.print(`Success! Data written to: ${shown}`);
    return 0;
  },
});

const del = defineCommand({
  words: ['kv', 'metadata', 'delete'],
  summary: 'Delete a secret with all its versions and metadata',
  usage: `Usage: arca kv metadata delete [options] PATH

  Permanently deletes PATH: every version and the metadata. KV v2 only.
${MOUNT_USAGE}`,
  flags: { mount: { kind: 'string' } },
  args: [1, 1],
  async run(ctx) {
    const target = await kvTarget(ctx, ctx.args[0] ?? '', ctx.flags.mount);
    requireV2(target, 'metadata');
    const shown = kvApiPath(target, 'metadata');
    await ctx.call(`deleting ${shown}`, 'DELETE', encodePath(shown));
    ctx.out.print(`Success! Data deleted (if it existed) at: ${shown}`);
    return 0;
  },
});

export const kvMetadataCommands: readonly Command[] = [get, put, del];
