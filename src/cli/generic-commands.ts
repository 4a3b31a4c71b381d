// src/cli — `arca read|write|delete|list PATH`: raw access to any API path, printed as a
// secret (Vault's OutputSecret). `read` sends K=V arguments as query parameters.
import type { Command } from './command.js';
import { CliFailure } from './cli-failure.js';
import { defineCommand } from './define-command.js';
import { asRecord, asStringArray, dataOf } from './json-shape.js';
import { encodePath } from './kv-target.js';
import { parseKeyValues } from './parse-key-values.js';

function clean(path: string): string {
  return path.replace(/^\/+/, '').replace(/^v1\//, '');
}

const read = defineCommand({
  words: ['read'],
  summary: 'Read data and retrieve secrets',
  usage: `Usage: arca read [options] PATH [K=V...]

  Reads PATH; K=V arguments are sent as query parameters.

      $ arca read sys/mounts
      $ arca read -field=ttl auth/token/lookup-self`,
  flags: {},
  wraps: true,
  args: [1, 64],
  async run(ctx) {
    const [raw = '', ...pairs] = ctx.args;
    const path = clean(raw);
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(await parseKeyValues(pairs, ctx.io))) {
      for (const item of Array.isArray(v) ? v : [v]) query.append(k, typeof item === 'string' ? item : JSON.stringify(item));
    }
    const url = encodePath(path) + (pairs.length > 0 ? `?${query.toString()}` : '');
    const body = await ctx.callOrMissing(`reading ${path}`, 'GET', url);
    if (body === null || body === undefined) {
      ctx.io.stderr.write(`No value found at ${path}\n`);
      return 2;
    }
    return ctx.out.secret(body);
  },
});

const write = defineCommand({
  words: ['write'],
  summary: 'Write data, configuration, and secrets',
  usage: `Usage: arca write [options] PATH [K=V...]

  Writes the K=V data to PATH. A value "@file" reads a file, "-" reads stdin;
  a lone "-" reads a JSON object from stdin.

      $ arca write secret/app password=@pw.txt

  -force    Allow writing with no data`,
  flags: { force: { kind: 'bool', short: 'f' } },
  wraps: true,
  args: [1, Number.MAX_SAFE_INTEGER],
  async run(ctx) {
    const [raw = '', ...pairs] = ctx.args;
    const path = clean(raw);
    if (pairs.length === 0 && ctx.flags.force !== true) throw new CliFailure('Must supply data or use -force', 1);
    const data = await parseKeyValues(pairs, ctx.io);
    const body = await ctx.call(`writing data to ${path}`, 'PUT', encodePath(path), data);
    const record = asRecord(body);
    if (!record || (record['data'] == null && record['auth'] == null && record['wrap_info'] == null)) {
      // As Vault's write: the success line only as a table; json/yaml print the body if any.
      if (!ctx.out.isStructured) ctx.out.print(`Success! Data written to: ${path}`);
      else if (record) ctx.out.secretStructured(body);
      return 0;
    }
    return ctx.out.secret(body);
  },
});

const del = defineCommand({
  words: ['delete'],
  summary: 'Delete secrets and configuration',
  usage: `Usage: arca delete [options] PATH

  Deletes the data at PATH.`,
  flags: {},
  args: [1, 1],
  async run(ctx) {
    const path = clean(ctx.args[0] ?? '');
    await ctx.call(`deleting ${path}`, 'DELETE', encodePath(path));
    ctx.out.print(`Success! Data deleted (if it existed) at: ${path}`);
    return 0;
  },
});

const list = defineCommand({
  words: ['list'],
  summary: 'List data or secrets',
  usage: `Usage: arca list [options] PATH

  Lists the keys under PATH; names ending in "/" are folders.`,
  flags: {},
  args: [1, 1],
  async run(ctx) {
    const path = clean(ctx.args[0] ?? '');
    const body = await ctx.callOrMissing(`listing ${path}`, 'LIST', encodePath(path));
    const keys = asStringArray(dataOf(body)['keys']);
    if (body === null || keys.length === 0) return ctx.out.noList(path.endsWith('/') ? path : `${path}/`);
    return ctx.out.list(keys);
  },
});

export const genericCommands: readonly Command[] = [read, write, del, list];
