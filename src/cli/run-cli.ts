// src/cli — the dispatcher behind `arca`: picks the command whose words match the start of
// argv (the longest match wins, so `kv metadata get` beats a hypothetical `kv`), answers
// `help`/`-h`, and reports an unknown command with the usage on stderr. Exit codes as Vault's
// CLI framework (hashicorp/cli): 127 for no or an unknown command, 1 for a command group
// without (or with an unknown) subcommand, after printing the group's subcommands.
import type { CliIo, Command } from './command.js';
import { renderTable } from './render-table.js';

const HELP_FLAGS = new Set(['-h', '-help', '--help']);

export async function runCli(argv: readonly string[], io: CliIo, commands: readonly Command[]): Promise<number> {
  const first = argv[0];
  if (first === undefined) {
    io.stderr.write(generalUsage(commands));
    return 127;
  }
  if (first === 'help' || HELP_FLAGS.has(first)) return help(argv.slice(1), io, commands);
  const command = findCommand(argv, commands);
  if (!command) return unknown(argv, io, commands);
  const rest = argv.slice(command.words.length);
  const end = rest.indexOf('--');
  if ((end === -1 ? rest : rest.slice(0, end)).some((a) => HELP_FLAGS.has(a))) {
    io.stdout.write(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return 0;
  }
  return command.run(rest, io);
}

export function findCommand(argv: readonly string[], commands: readonly Command[]): Command | undefined {
  let best: Command | undefined;
  for (const command of commands) {
    if (command.words.length > argv.length) continue;
    if (!command.words.every((w, i) => argv[i] === w)) continue;
    if (!best || command.words.length > best.words.length) best = command;
  }
  return best;
}

function help(words: readonly string[], io: CliIo, commands: readonly Command[]): number {
  if (words.length === 0) {
    io.stdout.write(generalUsage(commands));
    return 0;
  }
  const command = commands.find((c) => c.words.length === words.length && c.words.every((w, i) => words[i] === w));
  if (command) {
    io.stdout.write(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return 0;
  }
  const group = groupOf(words, commands);
  if (group.length > 0) {
    io.stdout.write(groupUsage(words, group));
    return 0;
  }
  io.stderr.write(`Unknown command: ${words.join(' ')}\n\n${generalUsage(commands)}`);
  return 2;
}

function unknown(argv: readonly string[], io: CliIo, commands: readonly Command[]): number {
  // The longest run of leading words that prefixes some command names the group to show.
  for (let n = argv.length; n > 0; n--) {
    const words = argv.slice(0, n);
    const group = groupOf(words, commands);
    if (group.length > 0) {
      const extra = argv[n];
      if (extra !== undefined && HELP_FLAGS.has(extra)) {
        io.stdout.write(groupUsage(words, group));
        return 0;
      }
      const note = extra !== undefined && !extra.startsWith('-') ? `Unknown command: ${argv.slice(0, n + 1).join(' ')}\n\n` : '';
      io.stderr.write(note + groupUsage(words, group));
      return 1;
    }
  }
  io.stderr.write(`Unknown command: ${argv[0] ?? ''}\n\n${generalUsage(commands)}`);
  return 127;
}

function groupOf(words: readonly string[], commands: readonly Command[]): Command[] {
  return commands.filter((c) => c.words.length > words.length && words.every((w, i) => c.words[i] === w));
}

function listing(commands: readonly Command[]): string {
  const sorted = [...commands].sort((a, b) => a.words.join(' ').localeCompare(b.words.join(' ')));
  return renderTable(undefined, sorted.map((c) => [`    ${c.words.join(' ')}`, c.summary]));
}

function generalUsage(commands: readonly Command[]): string {
  return `Usage: arca <command> [args]\n\nCommands:\n${listing(commands)}\n\nRun "arca <command> -h" for a command's options.\n`;
}

function groupUsage(words: readonly string[], group: readonly Command[]): string {
  const prefix = words.join(' ');
  return `Usage: arca ${prefix} <subcommand> [options] [args]\n\nSubcommands:\n${listing(group)}\n\nRun "arca ${prefix} <subcommand> -h" for a subcommand's options.\n`;
}
