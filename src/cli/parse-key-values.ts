// src/cli — Vault's `KEY=VALUE` arguments: `k=v` literal, `k=@file` the file's contents,
// `k=-` stdin; a lone `-` reads a JSON object from stdin. Errors name the argument's
// position and key, never its value (it may be a secret typed in the wrong place).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo } from './command.js';
import { CliFailure } from './cli-failure.js';
import { asRecord } from './json-shape.js';
import type { JsonRecord } from './json-shape.js';
import { readAllStdin } from './prompt-hidden.js';
import { UsageError } from './flags.js';

export async function parseKeyValues(args: readonly string[], io: CliIo): Promise<JsonRecord> {
  if (args.length === 1 && args[0] === '-') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readAllStdin(io));
    } catch {
      throw new CliFailure('Failed to parse K=V data: stdin is not a JSON object', 1);
    }
    const record = asRecord(parsed);
    if (!record) throw new CliFailure('Failed to parse K=V data: stdin is not a JSON object', 1);
    return record;
  }
  const out: JsonRecord = {};
  let stdinUsed = false;
  for (const [i, arg] of args.entries()) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`Failed to parse K=V data: argument ${i + 1} is not in KEY=VALUE form`);
    const key = arg.slice(0, eq);
    const raw = arg.slice(eq + 1);
    if (raw === '-') {
      if (stdinUsed) throw new UsageError(`Failed to parse K=V data: stdin ("-") can be used only once (key "${key}")`);
      stdinUsed = true;
      out[key] = (await readAllStdin(io)).replace(/\r?\n$/, '');
    } else if (raw.startsWith('@')) {
      try {
        out[key] = await readFile(resolve(io.cwd, raw.slice(1)), 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
        throw new CliFailure(`Failed to parse K=V data: cannot read the file for key "${key}" (${code})`, 1);
      }
    } else {
      out[key] = raw;
    }
  }
  return out;
}
