// src/cli — `arca scan install-hook`: installs a git pre-commit hook that runs
// `arca scan --staged` (with the repository's baseline when it has one). It honours
// core.hooksPath and refuses to replace a hook it did not write unless -force is given.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { CliIo, Command } from './command.js';
import { UsageError, parseFlags } from './flags.js';

export const HOOK_MARKER = '# arca-scan pre-commit hook';

const FLAGS = { force: { kind: 'bool' }, bin: { kind: 'string', default: 'arca' } } as const;

export function preCommitHook(bin: string): string {
  const quoted = `'${bin.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/bin/sh',
    HOOK_MARKER,
    '# Blocks commits that add secrets. Accept a finding with an inline "arca:allow" comment or',
    '# by adding it to .arca-scan-baseline.json; bypass once with `git commit --no-verify`.',
    'set --',
    'if [ -f .arca-scan-baseline.json ]; then set -- --baseline .arca-scan-baseline.json; fi',
    `exec ${quoted} scan --staged "$@" .`,
    '',
  ].join('\n');
}

function hooksDir(repo: string): string {
  let out: string;
  try {
    out = execFileSync('git', ['rev-parse', '--git-path', 'hooks'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    throw new UsageError(`not a git repository: ${repo}`);
  }
  return isAbsolute(out) ? out : join(repo, out);
}

export const scanInstallHookCommand: Command = {
  words: ['scan', 'install-hook'],
  summary: 'Install a git pre-commit hook that scans staged changes for secrets',
  usage: [
    'Usage: arca scan install-hook [options] [REPO]',
    '',
    'Writes a pre-commit hook into REPO (default: the current directory) that runs',
    '`arca scan --staged` and blocks the commit when it adds a secret.',
    '',
    'Options:',
    '  -force       Replace an existing pre-commit hook not written by arca',
    '  -bin=PATH    Command used to run arca from the hook (default: arca)',
  ].join('\n'),
  async run(args: readonly string[], io: CliIo): Promise<number> {
    try {
      const { flags, positional } = parseFlags(args, FLAGS);
      if (positional.length > 1) throw new UsageError('install-hook takes at most one repository path');
      const repo = resolve(io.cwd, positional[0] ?? '.');
      const dir = hooksDir(repo);
      const file = join(dir, 'pre-commit');
      if (existsSync(file) && !readFileSync(file, 'utf8').includes(HOOK_MARKER) && flags.force !== true) {
        io.stderr.write(`${file} already exists and was not written by arca; use -force to replace it\n`);
        return 2;
      }
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, preCommitHook(flags.bin ?? 'arca'));
      chmodSync(file, 0o755);
      io.stdout.write(`Installed pre-commit hook: ${file}\n`);
      return 0;
    } catch (err) {
      if (err instanceof UsageError) {
        io.stderr.write(`${err.message}\n`);
        return 2;
      }
      throw err;
    }
  },
};
