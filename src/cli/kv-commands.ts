// src/cli — `arca kv get|put|list`: the everyday KV commands (`kv patch` is in
// kv-patch-command.ts). They work on KV v1 and v2 mounts alike; the version is detected per
// call (kv-target.ts). Writes on v2 take -cas (check-and-set), reads take -version.
import type { Command } from './command.js';
import { CliFailure } from './cli-failure.js';
import { defineCommand } from './define-command.js';
import type { CommandContext } from './define-command.js';
import { asRecord, asStringArray, dataOf } from './json-shape.js';
import type { JsonRecord } from './json-shape.js';
import { printVersioned, printWriteMetadata } from './kv-output.js';
import { kvPatchCommand } from './kv-patch-command.js';
import { encodePath, kvApiPath, kvTarget, requireV2 } from './kv-target.js';
import { parseKeyValues } from './parse-key-values.js';

const MOUNT_USAGE = '  -mount=<path>   Mount path; PATH is then relative to it';

const get = defineCommand({
  words: ['kv', 'get'],
  summary: 'Retrieve data from the KV store',
  usage: `Usage: arca kv get [options] PATH

  Reads the secret at PATH (the latest version, or -version on KV v2).

      $ arca kv get secret/app
      $ arca kv get -field=password -mount=secret app

  -version=<n>    Version to read (KV v2)
${MOUNT_USAGE}`,
  flags: { version: { kind: 'int' }, mount: { kind: 'string' } },
  wraps: true,
  args: [1, 1],
  async run(ctx) {
    const target = await kvTarget(ctx, ctx.args[0] ?? '', ctx.flags.mount);
    let path = encodePath(kvApiPath(target, 'data'));
    if (ctx.flags.version !== undefined) {
      requireV2(target, 'versioned reads');
      path += `?version=${ctx.flags.version}`;
    }
    const shown = kvApiPath(target, 'data');
    const body = await ctx.callOrMissing(`reading ${shown}`, 'GET', path);
    if (body === null || body === undefined) {
      ctx.io.stderr.write(`No value found at ${shown}\n`);
      return 2;
    }
    if (target.version === 2) return printVersioned(ctx.out, shown, body);
    return ctx.out.secret(body);
  },
});

async function putData(ctx: CommandContext<{ cas: { kind: 'int' }; mount: { kind: 'string' } }>): Promise<number> {
  const [raw, ...pairs] = ctx.args;
  if (pairs.length === 0) throw new CliFailure('Must supply data', 1);
  const target = await kvTarget(ctx, raw ?? '', ctx.flags.mount);
  const data = await parseKeyValues(pairs, ctx.io);
  const shown = kvApiPath(target, 'data');
  const path = encodePath(shown);
  if (target.version === 1) {
    const answer = await ctx.call(`writing data to ${shown}`, 'PUT', path, data);
    // Vault prints the success line only as a table; json/yaml print the body, if any.
    if (!ctx.out.isStructured) ctx.out.print(`Success! Data written to: ${shown}`);
    else if (asRecord(answer)) ctx.out.secretStructured(answer);
    return 0;
  }
  const body: JsonRecord = { data };
  if (ctx.flags.cas !== undefined) body['options'] = { cas: ctx.flags.cas };
  const answer = await ctx.call(`writing data to ${shown}`, 'PUT', path, body);
  return printWriteMetadata(ctx.out, shown, answer);
}

const put = defineCommand({
  words: ['kv', 'put'],
  summary: 'Set or update data in the KV store',
  usage: `Usage: arca kv put [options] PATH [K=V...]

  Writes a new version of the secret at PATH, replacing all its keys.
  A value "@file" reads a file, "-" reads stdin; a lone "-" reads a JSON object
  from stdin.

      $ arca kv put secret/app user=admin password=@pw.txt

  -cas=<n>        Write only if the current version is n (0: only if absent)
${MOUNT_USAGE}`,
  flags: { cas: { kind: 'int' }, mount: { kind: 'string' } },
  args: [1, Number.MAX_SAFE_INTEGER],
  run: putData,
});

const list = defineCommand({
  words: ['kv', 'list'],
  summary: 'List data or secrets',
  usage: `Usage: arca kv list [options] PATH

  Lists the keys under PATH; names ending in "/" are folders.
${MOUNT_USAGE}`,
  flags: { mount: { kind: 'string' } },
  args: [1, 1],
  async run(ctx) {
    const target = await kvTarget(ctx, ctx.args[0] ?? '', ctx.flags.mount);
    const shown = kvApiPath(target, 'metadata');
    const body = await ctx.callOrMissing(`listing ${shown}`, 'LIST', encodePath(shown));
    const keys = asStringArray(dataOf(body)['keys']);
    if (body === null || keys.length === 0) return ctx.out.noList(`${shown}/`);
    return ctx.out.list(keys);
  },
});

export const kvCommands: readonly Command[] = [get, put, kvPatchCommand, list];
