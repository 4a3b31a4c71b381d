// src/cli — `arca policy write|read|list|delete|fmt` over sys/policies/acl. `fmt` runs
// locally: it parses a file with the server's policy parser and rewrites it canonically.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isArcaError } from '../lib/errors.js';
import { parsePolicy } from '../policy/parse-policy.js';
import type { Command } from './command.js';
import { CliFailure } from './cli-failure.js';
import { defineCommand } from './define-command.js';
import { formatPolicy } from './format-policy.js';
import { asString, asStringArray, dataOf } from './json-shape.js';
import { readAllStdin } from './prompt-hidden.js';

async function readLocal(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (err) {
    throw new CliFailure(`Error opening policy file: ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`, 1);
  }
}

const write = defineCommand({
  words: ['policy', 'write'],
  summary: 'Upload a policy',
  usage: `Usage: arca policy write [options] NAME PATH

  Uploads the policy in the file PATH (or "-" for stdin) under NAME, replacing
  any policy of that name.

      $ arca policy write app app-policy.hcl`,
  flags: {},
  args: [2, 2],
  async run(ctx) {
    const name = (ctx.args[0] ?? '').trim().toLowerCase();
    const file = ctx.args[1] ?? '';
    const text = file === '-' ? await readAllStdin(ctx.io) : await readLocal(file, ctx.io.cwd);
    await ctx.call('uploading policy', 'PUT', `sys/policies/acl/${encodeURIComponent(name)}`, { policy: text });
    ctx.out.print(`Success! Uploaded policy: ${name}`);
    return 0;
  },
});

const read = defineCommand({
  words: ['policy', 'read'],
  summary: 'Print the contents of a policy',
  usage: `Usage: arca policy read [options] NAME

  Prints the policy NAME as it was uploaded. With -format=json or yaml the output
  is {"policy": "<text>"}, as Vault prints it (not the response envelope).`,
  flags: {},
  args: [1, 1],
  async run(ctx) {
    const name = (ctx.args[0] ?? '').trim().toLowerCase();
    const body = await ctx.callOrMissing(`reading policy named ${name}`, 'GET', `sys/policies/acl/${encodeURIComponent(name)}`);
    if (body === null || body === undefined) {
      ctx.io.stderr.write(`No policy named: ${name}\n`);
      return 2;
    }
    const data = dataOf(body);
    const rules = asString(data['policy']) ?? '';
    if (ctx.out.field !== undefined) return ctx.out.rawField(data, ctx.out.field);
    // Vault's policy read: OutputData of {"policy": rules}; scripts read `.policy`.
    if (ctx.out.isStructured) ctx.out.structured({ policy: rules });
    else ctx.out.print(rules.trim());
    return 0;
  },
});

const list = defineCommand({
  words: ['policy', 'list'],
  summary: 'List the installed policies',
  usage: `Usage: arca policy list [options]

  Lists the names of all ACL policies.`,
  flags: {},
  args: [0, 0],
  async run(ctx) {
    const body = await ctx.call('listing policies', 'LIST', 'sys/policies/acl');
    const keys = asStringArray(dataOf(body)['keys']);
    if (ctx.out.isStructured) ctx.out.structured(keys);
    else for (const k of keys) ctx.out.print(k);
    return 0;
  },
});

const del = defineCommand({
  words: ['policy', 'delete'],
  summary: 'Delete a policy by name',
  usage: `Usage: arca policy delete [options] NAME

  Deletes the policy NAME. Tokens keep the name but it grants nothing.`,
  flags: {},
  args: [1, 1],
  async run(ctx) {
    const name = (ctx.args[0] ?? '').trim().toLowerCase();
    await ctx.call(`deleting ${name}`, 'DELETE', `sys/policies/acl/${encodeURIComponent(name)}`);
    ctx.out.print(`Success! Deleted policy: ${name}`);
    return 0;
  },
});

const fmt = defineCommand({
  words: ['policy', 'fmt'],
  summary: 'Format a policy file in place',
  usage: `Usage: arca policy fmt [options] PATH

  Parses the policy file PATH and rewrites it in the canonical form. A file that
  does not parse is left untouched and the error is printed (exit 1).`,
  flags: {},
  args: [1, 1],
  async run(ctx) {
    const file = ctx.args[0] ?? '';
    const text = await readLocal(file, ctx.io.cwd);
    let formatted: string;
    try {
      formatted = formatPolicy(parsePolicy('fmt', text));
    } catch (err) {
      if (isArcaError(err)) throw new CliFailure(`Error parsing policy: ${err.message}`, 1);
      throw err;
    }
    await writeFile(resolve(ctx.io.cwd, file), formatted);
    ctx.out.print(`Success! Formatted policy: ${file}`);
    return 0;
  },
});

export const policyCommands: readonly Command[] = [write, read, list, del, fmt];
