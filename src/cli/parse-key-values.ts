// src/cli — Vault's `KEY=VALUE` arguments (its kvbuilder): `k=v` literal, `k=@file` the
// file's contents, `k=\@x` the literal `@x`, `k=-` stdin; an argument `-` or `@file` without
// `=` merges a JSON object read from stdin or the file; a key given twice becomes a list;
// an empty argument is ignored. Stdin can be read once. Errors name the argument's position
// and key, never its value (it may be a secret typed in the wrong place).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo } from './command.js';
import { CliFailure } from './cli-failure.js';
import { asRecord } from './json-shape.js';
import type { JsonRecord } from './json-shape.js';
import { readAllStdin } from './prompt-hidden.js';
import { UsageError } from './flags.js';

export async function parseKeyValues(args: readonly string[], io: CliIo): Promise<JsonRecord> {
  const out: JsonRecord = {};
  let stdinUsed = false;
  const stdin = async (what: string): Promise<string> => {
    if (stdinUsed) throw new UsageError(`Failed to parse K=V data: stdin ("-") can be used only once (${what})`);
    stdinUsed = true;
    return readAllStdin(io);
  };
  for (const [i, arg] of args.entries()) {
    if (arg === '') continue;
    const eq = arg.indexOf('=');
    if (eq === -1 && (arg === '-' || arg.startsWith('@'))) {
      const text = arg === '-' ? await stdin(`argument ${i + 1}`) : await readLocal(io, arg.slice(1), `argument ${i + 1}`);
      Object.assign(out, jsonObject(text, arg === '-' ? 'stdin' : `the file of argument ${i + 1}`));
      continue;
    }
    if (eq <= 0) throw new UsageError(`Failed to parse K=V data: argument ${i + 1} is not in KEY=VALUE form`);
    const key = arg.slice(0, eq);
    const raw = arg.slice(eq + 1);
    let value: string;
    // A single trailing newline from stdin is dropped (`echo pw | arca kv put p k=-`); Vault keeps it.
    if (raw === '-') value = (await stdin(`key "${key}"`)).replace(/\r?\n$/, '');
    else if (raw.startsWith('@')) value = await readLocal(io, raw.slice(1), `key "${key}"`);
    else if (raw.startsWith('\\@')) value = raw.slice(1);
    else value = raw;
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else out[key] = Array.isArray(existing) ? [...(existing as unknown[]), value] : [existing, value];
  }
  return out;
}

async function readLocal(io: CliIo, file: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CliFailure(`Failed to parse K=V data: cannot read the file for ${what} (${code})`, 1);
  }
}

function jsonObject(text: string, source: string): JsonRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const record = asRecord(parsed);
  if (!record) throw new CliFailure(`Failed to parse K=V data: ${source} is not a JSON object`, 1);
  return record;
}
