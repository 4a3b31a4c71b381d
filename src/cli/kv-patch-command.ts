// src/cli — `arca kv patch`: merges keys into the latest version of a KV v2 secret, with
// Vault's flags. -method=patch sends one HTTP PATCH (JSON merge patch); -method=rw reads
// the secret, merges locally and writes it back guarded by check-and-set on the version it
// read, so a concurrent write fails instead of being lost. With no -method, PATCH is tried
// and a 405 (server without PATCH) or 403 (policy without the "patch" capability) falls
// back to rw, as Vault's CLI does. -remove-data names keys to drop.
import { ApiError } from '../client/arca-client.js';
import type { Command } from './command.js';
import { CliFailure, apiFailure } from './cli-failure.js';
import { defineCommand } from './define-command.js';
import type { CommandContext } from './define-command.js';
import { asNumber, asRecord, dataOf } from './json-shape.js';
import type { JsonRecord } from './json-shape.js';
import { printWriteMetadata } from './kv-output.js';
import { encodePath, kvApiPath, kvTarget, requireV2 } from './kv-target.js';
import { parseKeyValues } from './parse-key-values.js';

const flags = {
  cas: { kind: 'int' },
  method: { kind: 'string' },
  'remove-data': { kind: 'list' },
  mount: { kind: 'string' },
} as const;

type Ctx = CommandContext<typeof flags>;

/** One HTTP PATCH; a null value removes the key (JSON merge patch). */
async function mergePatch(ctx: Ctx, path: string, changes: JsonRecord): Promise<unknown> {
  const options: JsonRecord = {};
  // As Vault: -cas=0 (or none) lets the patch through; only a positive version is a check.
  if (ctx.flags.cas !== undefined && ctx.flags.cas > 0) options['cas'] = ctx.flags.cas;
  return ctx.client().request('PATCH', encodePath(path), { data: changes, options }, { 'Content-Type': 'application/merge-patch+json' }).then((r) => r.body);
}

/** Read, merge locally, write back with cas = the version read. */
async function readThenWrite(ctx: Ctx, path: string, changes: JsonRecord): Promise<unknown> {
  const current = await ctx.callOrMissing(`doing pre-read at ${path}`, 'GET', encodePath(path));
  const outer = dataOf(current);
  const data = asRecord(outer['data']);
  const version = asNumber(asRecord(outer['metadata'])?.['version']);
  if (current === null || !data || version === undefined) throw new CliFailure(`No value found at ${path}`, 2);
  const merged: JsonRecord = { ...data };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete merged[k];
    else merged[k] = v;
  }
  return ctx.call(`writing data to ${path}`, 'PUT', encodePath(path), { data: merged, options: { cas: version } });
}

const patch = defineCommand({
  words: ['kv', 'patch'],
  summary: 'Update some keys of an existing secret (KV v2)',
  usage: `Usage: arca kv patch [options] PATH [K=V...]

  Merges the given keys into the latest version of the secret at PATH, creating
  a new version. KV v2 only.

      $ arca kv patch -mount=secret app password=new
      $ arca kv patch -remove-data=old_key secret/app

  -cas=<n>            Patch only if the current version is n (0: no check)
  -method=<m>         "patch" (one HTTP PATCH) or "rw" (read, merge, write with
                      check-and-set); default: patch, falling back to rw when the
                      server or the policy does not allow PATCH
  -remove-data=<key>  Key to remove (repeatable)
  -mount=<path>       Mount path; PATH is then relative to it`,
  flags,
  args: [1, Number.MAX_SAFE_INTEGER],
  async run(ctx) {
    const [raw, ...pairs] = ctx.args;
    const remove = ctx.flags['remove-data'] ?? [];
    if (pairs.length === 0 && remove.length === 0) throw new CliFailure('Must supply data', 1);
    const method = ctx.flags.method ?? '';
    if (method !== '' && method !== 'patch' && method !== 'rw') throw new CliFailure(`Unsupported method provided to -method flag: ${method}`, 2);
    const changes = pairs.length > 0 ? await parseKeyValues(pairs, ctx.io) : {};
    for (const key of remove) changes[key] = null;
    const target = await kvTarget(ctx, raw ?? '', ctx.flags.mount);
    requireV2(target, 'patch');
    const path = kvApiPath(target, 'data');
    let answer: unknown;
    if (method === 'rw') answer = await readThenWrite(ctx, path, changes);
    else {
      try {
        answer = await mergePatch(ctx, path, changes);
      } catch (err) {
        const fallback = method === '' && err instanceof ApiError && (err.status === 405 || err.status === 403);
        if (!fallback) throw apiFailure(`writing data to ${path}`, err);
        answer = await readThenWrite(ctx, path, changes);
        if (err.status === 403) {
          ctx.out.warn(`Data was written to ${path} but we recommend that you add the "patch" capability to your ACL policy in order to use HTTP PATCH in the future.`);
        }
      }
    }
    return printWriteMetadata(ctx.out, path, answer);
  },
});

export const kvPatchCommand: Command = patch;
