// src/cli — `arca scan`: finds credentials in files, git history, staged changes or stdin,
// reports them (table/JSON/SARIF/CSV, redacted), compares with a baseline and can import the
// findings into KV v2. Exit status: 0 clean, 1 findings not in the baseline, 2 usage error.
// The scanning itself lives in src/scanner; this file parses flags and wires the real client.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ArcaClient } from '../client/arca-client.js';
import { systemClock } from '../lib/clock.js';
import { isArcaError } from '../lib/errors.js';
import { partitionByBaseline, readBaseline, writeBaseline } from '../scanner/baseline.js';
import type { Finding } from '../scanner/finding.js';
import { ProgressBar } from '../scanner/progress-bar.js';
import { isReportFormat, REPORT_FORMATS, renderReport } from '../scanner/report/render-report.js';
import { loadScanConfig } from '../scanner/scan-config.js';
import { runScan } from '../scanner/scan-runner.js';
import type { ScanTarget } from '../scanner/scan-runner.js';
import { importSecrets, parseImportTarget, planImport } from '../scanner/secret-import.js';
import type { SecretSink } from '../scanner/secret-import.js';
import type { CliIo, Command } from './command.js';
import { UsageError, parseFlags } from './flags.js';
import type { ParsedFlags } from './flags.js';
import { resolveTls } from './resolve-client.js';
import { scanInstallHookCommand } from './scan-install-hook-command.js';

const FLAGS = {
  git: { kind: 'bool' },
  range: { kind: 'string' },
  staged: { kind: 'bool' },
  format: { kind: 'string', short: 'f', default: 'table' },
  output: { kind: 'string', short: 'o' },
  'show-values': { kind: 'bool' },
  baseline: { kind: 'string' },
  'write-baseline': { kind: 'string' },
  config: { kind: 'string' },
  'max-size': { kind: 'string' },
  'no-gitignore': { kind: 'bool' },
  threads: { kind: 'int' },
  import: { kind: 'string' },
  yes: { kind: 'bool', short: 'y' },
} as const;
type ScanFlags = ParsedFlags<typeof FLAGS>;

const DEFAULT_MAX_SIZE = 5 * 1024 * 1024;

const USAGE = `Usage: arca scan [options] [PATH...]
       arca scan --git [--range A..B] [REPO]
       arca scan --staged [REPO]
       arca scan -            (read stdin)

Finds credentials (70+ formats, private keys, JWTs, connection strings, generic
password/secret/token assignments) and reports them with values redacted.
Exit status: 0 clean, 1 findings not in the baseline, 2 usage error.

Options:
  --git                 Scan every commit of the history (all refs) instead of files
  --range=A..B          With --git: scan only this revision range
  --staged              Scan what is about to be committed (git diff --cached)
  -f, --format=FORMAT   ${REPORT_FORMATS.join(' | ')} (default: table)
  -o, --output=FILE     Write the report to FILE instead of stdout
  --show-values         Print whole secret values (default: redacted)
  --baseline=FILE       Ignore findings whose fingerprint is in FILE (a JSON report)
  --write-baseline=FILE Write all findings to FILE as a baseline and exit 0
  --config=FILE         Scan config (default: .arca-scan.yaml/.yml/.json in the root)
  --max-size=SIZE       Skip files larger than SIZE (bytes, or with K/M/G; default 5M)
  --no-gitignore        Also scan files ignored by .gitignore
  --threads=N           Worker threads (default: one per core)
  --import=MOUNT/PREFIX Store each finding in KV v2 and print the reference to use instead
  -y, --yes             Do not ask for confirmation before importing`;

export function parseSize(s: string): number {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(s.trim());
  if (!m) throw new UsageError(`invalid size ${JSON.stringify(s)} (use bytes or K/M/G, e.g. 5M)`);
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[(m[2] ?? '').toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * mult;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(parts).toString('utf8');
}

async function buildTarget(flags: ScanFlags, positional: readonly string[], io: CliIo): Promise<ScanTarget> {
  if (flags.git === true && flags.staged === true) throw new UsageError('--git and --staged cannot be combined');
  if (flags.range !== undefined && flags.git !== true) throw new UsageError('--range needs --git');
  if (flags.git === true || flags.staged === true) {
    if (positional.length > 1) throw new UsageError('--git and --staged take at most one repository path');
    const repo = positional[0] ?? '.';
    if (flags.staged === true) return { type: 'staged', repo };
    return flags.range !== undefined ? { type: 'git', repo, range: flags.range } : { type: 'git', repo };
  }
  if (positional.includes('-')) {
    if (positional.length > 1) throw new UsageError('"-" (stdin) cannot be combined with paths');
    return { type: 'text', text: await readAll(io.stdin), name: '-' };
  }
  return { type: 'paths', paths: positional.length > 0 ? positional : ['.'] };
}

function configRoot(target: ScanTarget, cwd: string): string {
  if (target.type === 'git' || target.type === 'staged') return resolve(cwd, target.repo);
  if (target.type === 'paths' && target.paths.length === 1) return resolve(cwd, target.paths[0] ?? '.');
  return cwd;
}

export const scanCommand: Command = {
  words: ['scan'],
  summary: 'Find secrets in files, git history, staged changes or stdin',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    try {
      return await runScanCommand(args, io);
    } catch (err) {
      if (err instanceof UsageError || (isArcaError(err) && err.code === 'invalid_request')) {
        io.stderr.write(`arca scan: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
  },
};

async function runScanCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positional } = parseFlags(args, FLAGS);
  const format = flags.format ?? 'table';
  if (!isReportFormat(format)) throw new UsageError(`unknown format ${JSON.stringify(format)} (use ${REPORT_FORMATS.join(', ')})`);
  if (flags.threads !== undefined && (flags.threads < 0 || flags.threads > 256)) throw new UsageError('--threads must be between 0 and 256');
  const importTarget = flags.import !== undefined ? parseImportTarget(flags.import) : undefined;
  const target = await buildTarget(flags, positional, io);
  const root = configRoot(target, io.cwd);
  const config = loadScanConfig(statDir(root) ? root : io.cwd, flags.config);
  const maxFileSize = flags['max-size'] !== undefined ? parseSize(flags['max-size']) : (config.maxFileSize ?? DEFAULT_MAX_SIZE);
  const baseline = flags.baseline !== undefined ? readBaseline(resolve(io.cwd, flags.baseline)) : new Set<string>();

  const bar = new ProgressBar(io.stderr, systemClock);
  const outcome = await runScan(target, {
    config,
    maxFileSize,
    cwd: io.cwd,
    respectGitignore: flags['no-gitignore'] !== true,
    onProgress: (p) => bar.update(p),
    ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
  });
  bar.done();

  if (flags['write-baseline'] !== undefined) {
    writeBaseline(resolve(io.cwd, flags['write-baseline']), outcome.findings);
    io.stderr.write(`Wrote ${outcome.findings.length} finding(s) to baseline ${flags['write-baseline']}\n`);
    return 0;
  }
  const { fresh, accepted } = partitionByBaseline(outcome.findings, baseline);
  const report = renderReport(format, fresh, { showValues: flags['show-values'] === true });
  if (flags.output !== undefined) writeFileSync(resolve(io.cwd, flags.output), report);
  else io.stdout.write(report);
  if (accepted.length > 0) io.stderr.write(`${accepted.length} finding(s) already in the baseline were not reported\n`);

  if (importTarget && fresh.length > 0) {
    const toStdout = format === 'table' || flags.output !== undefined;
    const ok = await runImport(fresh, importTarget, flags.yes === true, io, toStdout ? io.stdout : io.stderr);
    if (!ok) return 2;
  }
  return fresh.length > 0 ? 1 : 0;
}

function statDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

async function confirm(io: CliIo, question: string): Promise<boolean> {
  io.stderr.write(`${question} [y/N] `);
  for await (const chunk of io.stdin) {
    const answer = (typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8')).trim().toLowerCase();
    return answer === 'y' || answer === 'yes';
  }
  return false;
}

async function runImport(
  findings: readonly Finding[],
  spec: { mount: string; prefix: string },
  yes: boolean,
  io: CliIo,
  out: { write(s: string): unknown },
): Promise<boolean> {
  const plan = planImport(findings, spec);
  const where = spec.prefix === '' ? spec.mount : `${spec.mount}/${spec.prefix}`;
  if (!yes && !(await confirm(io, `Import ${plan.length} secret(s) into ${where}?`))) {
    io.stderr.write('Import cancelled.\n');
    return true;
  }
  const client = clientFromEnv(io);
  const result = await importSecrets(plan, spec, new ClientSecretSink(client), systemClock);
  out.write(`\nImported ${result.imported.length} secret(s), ${result.skipped.length} already present. Replace each value with its reference:\n`);
  for (const e of [...result.imported, ...result.skipped]) out.write(`  ${e.finding.file}:${e.finding.line}  ${e.reference}\n`);
  return true;
}

export function clientFromEnv(io: CliIo): ArcaClient {
  const address = io.env['ARCA_ADDR'] ?? io.env['VAULT_ADDR'] ?? 'http://127.0.0.1:8200';
  let token = io.env['ARCA_TOKEN'] ?? io.env['VAULT_TOKEN'];
  if (token === undefined) {
    try {
      token = readFileSync(join(io.env['HOME'] ?? homedir(), '.arca-token'), 'utf8').trim();
    } catch {
      token = undefined;
    }
  }
  // TLS from the environment only (ARCA_CACERT, VAULT_CACERT, ...): scan takes no HTTP flags.
  return new ArcaClient({ address, token, tls: resolveTls(io, {}) });
}

/** KV v2 over the HTTP API: data write (check-and-set 0: never overwrite), then custom metadata. */
export class ClientSecretSink implements SecretSink {
  constructor(private readonly client: ArcaClient) {}

  async exists(mount: string, path: string): Promise<boolean> {
    const res = await this.client.raw('GET', `${mount}/metadata/${path}`);
    if (res.status === 404) return false;
    if (res.status >= 200 && res.status < 300) return true;
    throw new Error(`checking ${mount}/${path} failed with status ${res.status}`);
  }

  async write(mount: string, path: string, value: string, customMetadata: Readonly<Record<string, string>>): Promise<void> {
    await this.client.request('PUT', `${mount}/data/${path}`, { data: { value }, options: { cas: 0 } });
    await this.client.request('POST', `${mount}/metadata/${path}`, { custom_metadata: customMetadata });
  }
}

export const scanCommands: Command[] = [scanCommand, scanInstallHookCommand];
