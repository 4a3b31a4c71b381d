// src/cli — reading secrets typed by a person (unseal keys, tokens, passwords) without
// echo: on a terminal stdin goes to raw mode and nothing is written back but the final
// newline; from a pipe one line is read. Raw mode is always restored, even on Ctrl-C.
import type { CliIo } from './command.js';
import { CliFailure } from './cli-failure.js';

type RawCapable = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };

export async function promptHidden(io: CliIo, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  const stdin = io.stdin as RawCapable;
  try {
    if (stdin.isTTY === true && typeof stdin.setRawMode === 'function') return await readRaw(stdin);
    return await readLine(stdin);
  } finally {
    io.stderr.write('\n');
  }
}

function readRaw(stdin: RawCapable): Promise<string> {
  const setRaw = stdin.setRawMode?.bind(stdin);
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const finish = (err: Error | undefined): void => {
      stdin.removeListener('data', onData);
      setRaw?.(false);
      stdin.pause();
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(undefined);
        if (ch === '\u0003') return finish(new CliFailure('Interrupted', 130));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    setRaw?.(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** One line from a non-terminal stream; what follows the newline is put back. */
export function readLine(stdin: NodeJS.ReadableStream): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let buffered = '';
    const cleanup = (): void => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.removeListener('error', onError);
      stdin.pause();
    };
    const onData = (chunk: Buffer | string): void => {
      buffered += chunk.toString();
      const nl = buffered.indexOf('\n');
      if (nl === -1) return;
      cleanup();
      const rest = buffered.slice(nl + 1);
      if (rest !== '') stdin.unshift(Buffer.from(rest));
      resolve(buffered.slice(0, nl).replace(/\r$/, ''));
    };
    const onEnd = (): void => {
      cleanup();
      resolve(buffered.replace(/\r?\n?$/, ''));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.once('error', onError);
    stdin.resume();
  });
}

/** All of stdin as text (`kv put path k=-`, `policy write name -`). */
export async function readAllStdin(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
