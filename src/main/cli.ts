// src/main — the `arca` executable's entry (bin/arca.js calls main): the full command table,
// client commands from src/cli plus `scan` and `server`, dispatched by runCli.
import { cliCommands } from '../cli/cli-commands.js';
import type { CliIo, Command } from '../cli/command.js';
import { processIo } from '../cli/command.js';
import { runCli } from '../cli/run-cli.js';
import { scanCommands } from '../cli/scan-command.js';
import { serverCommand } from './server-command.js';

export const commands: readonly Command[] = [...cliCommands, ...scanCommands, serverCommand];

export function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(argv, io, commands);
}
