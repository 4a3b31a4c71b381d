// src/scanner/eval — writes a labelled evaluation corpus into a directory: source and config
// files mixing positives of every rule with hard negatives and noise, a notebook and JSON
// service account with JSON-escaped keys, a YAML block-scalar key, lockfiles, ignored and
// binary files, and a git repository whose secrets exist only in its history (deleted later,
// or on an unmerged branch). Labels say what the scanner must report: kind, file, secret and,
// for history, the commit that introduced it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { normalizeArmouredKey } from '../rules/rules-structural.js';
import { defaultRules } from '../rules/rule-catalog.js';
import { hardNegatives, lockfile } from './hard-negatives.js';
import { embed, pemKey, VALUE_GENERATORS } from './sample-values.js';
import { SeededRandom } from './seeded-random.js';

export interface Label {
  readonly kind: string;
  readonly file: string;
  readonly secret: string;
  readonly commit?: string;
}

export interface Corpus {
  /** Directory to scan as a tree. */
  readonly treeDir: string;
  readonly treeLabels: Label[];
  /** Git repository whose final tree is clean; every label exists only in history. */
  readonly repoDir: string;
  readonly historyLabels: Label[];
}

const NOISE = [
  'import { readFileSync } from "node:fs";',
  'def handler(event, context):',
  '    return {"statusCode": 200}',
  'for (const item of items) total += item.price;',
  'log.info("request served", { path, status });',
  '# Configuration for the staging environment',
  'timeout: 30s',
  'retries = 3',
  'SELECT id, name FROM users WHERE active = true;',
  '',
];

const secretOf = (kind: string, value: string): string => (kind.endsWith('private-key') ? normalizeArmouredKey(value) : value);

function sampleFor(kind: string, r: SeededRandom): { line: string; secret: string } {
  const gen = VALUE_GENERATORS[kind];
  if (!gen) throw new Error(`no generator for rule ${kind}`);
  const s = embed(kind, gen(r), r);
  return { line: s.line, secret: secretOf(kind, s.secret) };
}

function write(root: string, rel: string, content: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
}

const EXTENSIONS = ['env', 'py', 'ts', 'yaml', 'go', 'properties', 'sh', 'tf'];

function writeMixedFiles(root: string, r: SeededRandom, perKind: number, labels: Label[]): void {
  const kinds = defaultRules.map((x) => x.id);
  const entries: { line: string; label?: { kind: string; secret: string } }[] = [];
  for (const kind of kinds) {
    for (let i = 0; i < perKind; i++) {
      const s = sampleFor(kind, r);
      entries.push({ line: s.line, label: { kind, secret: s.secret } });
    }
  }
  for (const line of hardNegatives(r, kinds)) entries.push({ line });
  for (let i = entries.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [entries[i], entries[j]] = [entries[j] as (typeof entries)[number], entries[i] as (typeof entries)[number]];
  }
  const files = Math.max(1, Math.ceil(entries.length / 12));
  for (let f = 0; f < files; f++) {
    const rel = `src/module-${f}/settings.${EXTENSIONS[f % EXTENSIONS.length] ?? 'txt'}`;
    const lines: string[] = [];
    for (const e of entries.slice(f * 12, f * 12 + 12)) {
      lines.push(r.pick(NOISE), e.line);
      if (e.label) labels.push({ ...e.label, file: rel });
    }
    write(root, rel, lines.join('\n') + '\n');
  }
}

function writeEscapedFiles(root: string, r: SeededRandom, labels: Label[]): void {
  const key = pemKey(r, 'PRIVATE KEY');
  write(root, 'config/service-account.json', JSON.stringify({ type: 'service_account', project_id: 'demo', private_key: key + '\n' }, null, 2) + '\n');
  labels.push({ kind: 'private-key', file: 'config/service-account.json', secret: normalizeArmouredKey(key) });

  const openai = (VALUE_GENERATORS['openai-api-key'] as (r: SeededRandom) => string)(r);
  const pw = (VALUE_GENERATORS['generic-secret'] as (r: SeededRandom) => string)(r);
  const nbKey = pemKey(r, 'RSA PRIVATE KEY');
  const cell = (src: string[]): unknown => ({ cell_type: 'code', metadata: {}, outputs: [], source: src });
  const notebook = {
    cells: [
      cell(['import openai\n', `openai.api_key = "${openai}"\n`, `db_password = "${pw}"\n`]),
      cell(['KEY = """\n', ...nbKey.split('\n').map((l) => l + '\n'), '"""\n']),
    ],
    nbformat: 4,
    nbformat_minor: 5,
  };
  write(root, 'notebooks/analysis.ipynb', JSON.stringify(notebook, null, 1) + '\n');
  labels.push({ kind: 'openai-api-key', file: 'notebooks/analysis.ipynb', secret: openai });
  labels.push({ kind: 'generic-secret', file: 'notebooks/analysis.ipynb', secret: pw });
  labels.push({ kind: 'private-key', file: 'notebooks/analysis.ipynb', secret: normalizeArmouredKey(nbKey) });

  const sshKey = pemKey(r, 'OPENSSH PRIVATE KEY');
  write(root, 'deploy/values.yaml', `ssh:\n  user: deploy\n  privateKey: |\n${sshKey.split('\n').map((l) => '    ' + l).join('\n')}\n`);
  labels.push({ kind: 'openssh-private-key', file: 'deploy/values.yaml', secret: normalizeArmouredKey(sshKey) });
}

function writeIgnoredAndBinary(root: string, r: SeededRandom): void {
  write(root, '.gitignore', 'ignored/\n*.log\n');
  write(root, 'ignored/leak.env', `GITHUB_TOKEN=${(VALUE_GENERATORS['github-pat'] as (r: SeededRandom) => string)(r)}\n`);
  write(root, 'debug.log', `token=${r.chars(ALNUM_SAFE, 30)}9\n`);
  const bin = Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(`key ${(VALUE_GENERATORS['npm-token'] as (r: SeededRandom) => string)(r)}`)]);
  write(root, 'assets/blob.bin', bin.toString('latin1'));
  write(root, 'package-lock.json', lockfile(r, 40));
}
const ALNUM_SAFE = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz';

export function generateCorpus(dir: string, seed: number, perKind = 3): Corpus {
  const r = new SeededRandom(seed);
  const treeDir = join(dir, 'tree');
  const treeLabels: Label[] = [];
  writeMixedFiles(treeDir, r, perKind, treeLabels);
  writeEscapedFiles(treeDir, r, treeLabels);
  writeIgnoredAndBinary(treeDir, r);
  const repoDir = join(dir, 'repo');
  const historyLabels = buildHistory(repoDir, r);
  return { treeDir, treeLabels, repoDir, historyLabels };
}

function buildHistory(repo: string, r: SeededRandom): Label[] {
  mkdirSync(repo, { recursive: true });
  let clock = Date.UTC(2025, 0, 1) / 1000;
  const git = (...args: string[]): string => {
    clock += 3600;
    const env = { ...process.env, GIT_AUTHOR_DATE: `${clock} +0000`, GIT_COMMITTER_DATE: `${clock} +0000`, GIT_CONFIG_NOSYSTEM: '1', HOME: repo };
    return execFileSync('git', args, { cwd: repo, env, encoding: 'utf8' }).trim();
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Eval Author');
  git('config', 'user.email', 'eval@example.test');
  git('config', 'commit.gpgsign', 'false');
  const labels: Label[] = [];
  const kinds = defaultRules.map((x) => x.id);
  const commitFile = (rel: string, kindsHere: readonly string[], message: string): void => {
    const lines: string[] = [];
    const pending: { kind: string; secret: string }[] = [];
    for (const kind of kindsHere) {
      const s = sampleFor(kind, r);
      lines.push(r.pick(NOISE), s.line);
      pending.push({ kind, secret: s.secret });
    }
    lines.push(...hardNegatives(r, []).slice(0, 8));
    write(repo, rel, lines.join('\n') + '\n');
    git('add', rel);
    git('commit', '-q', '-m', message);
    const commit = git('rev-parse', 'HEAD');
    for (const p of pending) labels.push({ ...p, file: rel, commit });
  };
  write(repo, 'README.md', '# service\n');
  git('add', 'README.md');
  git('commit', '-q', '-m', 'initial');
  const chunks = [kinds.slice(0, 30), kinds.slice(30, 60), kinds.slice(60)];
  commitFile('deploy/secrets.env', chunks[0] ?? [], 'add deploy secrets');
  git('rm', '-q', 'deploy/secrets.env');
  git('commit', '-q', '-m', 'remove secrets');
  git('checkout', '-q', '-b', 'feature/experiment');
  commitFile('config/dev.yaml', chunks[1] ?? [], 'wip: dev config');
  git('rm', '-q', 'config/dev.yaml');
  git('commit', '-q', '-m', 'drop dev config');
  git('checkout', '-q', 'main');
  commitFile('src/app.py', chunks[2] ?? [], 'app settings');
  write(repo, 'src/app.py', 'settings = load_from_vault()\n');
  git('commit', '-q', '-am', 'read settings from the vault');
  return labels;
}
