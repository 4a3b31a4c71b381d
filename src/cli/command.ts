// src/cli — the shape of one CLI command. Commands are plain objects in a table
// (src/main/cli.ts assembles the table); each gets its arguments after the command words
// and an injected IO so tests run commands in-process.

export interface CliIo {
  readonly stdout: { write(chunk: string): unknown; isTTY?: boolean };
  readonly stderr: { write(chunk: string): unknown; isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface Command {
  /** The command words, e.g. ['kv', 'put'] or ['scan']. The longest matching words win. */
  readonly words: readonly string[];
  /** One line for `arca help`. */
  readonly summary: string;
  /** Full usage text, shown by `arca <words> -h`. */
  readonly usage: string;
  /** Returns the process exit code: 0 success; API commands use Vault's 1 local error / 2 server error, others define their own. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}
