// test/cli — an in-memory CliIo: commands run in-process with captured stdout/stderr, a
// chosen environment (HOME in a temp dir so the token helper never touches the real one)
// and stdin fed from a string.
import { Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/command.js';

export interface CapturedIo {
  readonly io: CliIo;
  stdout(): string;
  stderr(): string;
}

export function captureIo(options: { env?: Record<string, string | undefined>; stdin?: string; cwd?: string; tty?: boolean } = {}): CapturedIo {
  let out = '';
  let err = '';
  const stdin = Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]) as Readable & { isTTY?: boolean };
  const io: CliIo = {
    stdout: { write: (chunk: string) => (out += chunk), isTTY: options.tty ?? false },
    stderr: { write: (chunk: string) => (err += chunk), isTTY: false },
    stdin,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  };
  return { io, stdout: () => out, stderr: () => err };
}
