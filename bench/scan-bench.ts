// bench — throughput of `arca scan` on a large generated tree and a long generated history,
// using every core (worker_threads). Prints MB/s, files/s (or file changes/s), findings and
// peak RSS. Called by the bench runner (`npm run bench`) or alone: node dist/bench/scan-bench.js
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { embed, VALUE_GENERATORS } from '../src/scanner/eval/sample-values.js';
import { SeededRandom } from '../src/scanner/eval/seeded-random.js';
import { emptyScanConfig } from '../src/scanner/scan-config.js';
import { runScan } from '../src/scanner/scan-runner.js';
import type { ScanOutcome } from '../src/scanner/scan-runner.js';

const TREE_FILES = 6000;
const HISTORY_COMMITS = 3000;
const KINDS = Object.keys(VALUE_GENERATORS);

const CODE = [
  'export function handle(req: Request): Response { return new Response(JSON.stringify({ ok: true })); }',
  'const items = await db.query("SELECT id, name, price FROM items WHERE owner = $1", [ownerId]);',
  '    if err != nil { return fmt.Errorf("reading %s: %w", path, err) }',
  'logger.info({ path: req.url, status: res.statusCode, ms: Date.now() - started }, "request");',
  '# Retry with exponential backoff; the upstream rate-limits bursts above 50 requests per second.',
  'timeout_seconds: 30',
  'for (let i = 0; i < rows.length; i++) totals[rows[i].category] += rows[i].amount;',
  'def parse(line: str) -> dict[str, str]: return dict(part.split("=", 1) for part in line.split(";"))',
];

function fileBody(r: SeededRandom, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    if (r.int(400) === 0) {
      const kind = r.pick(KINDS);
      out.push(embed(kind, (VALUE_GENERATORS[kind] as (r: SeededRandom) => string)(r), r).line);
    } else out.push(r.pick(CODE));
  }
  return out.join('\n') + '\n';
}

function buildTree(root: string, r: SeededRandom): void {
  for (let i = 0; i < TREE_FILES; i++) {
    const dir = join(root, `pkg-${i % 60}`, `mod-${i % 7}`);
    if (i < 420) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `file-${i}.ts`), fileBody(r, 40 + r.int(160)));
  }
}

/** Builds a long history quickly with `git fast-import` (one commit per changed file). */
async function buildHistory(repo: string, r: SeededRandom): Promise<void> {
  mkdirSync(repo, { recursive: true });
  await run('git', ['init', '-q', '-b', 'main'], repo);
  const child = spawn('git', ['fast-import', '--quiet'], { cwd: repo, stdio: ['pipe', 'ignore', 'inherit'] });
  const done = new Promise<void>((resolve, reject) => child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import exited ${code}`)))));
  let t = Date.UTC(2023, 0, 1) / 1000;
  for (let c = 0; c < HISTORY_COMMITS; c++) {
    t += 600;
    const body = fileBody(r, 30 + r.int(60));
    const msg = `change ${c}`;
    const lines = [
      'commit refs/heads/main',
      `author Bench <bench@example.test> ${t} +0000`,
      `committer Bench <bench@example.test> ${t} +0000`,
      `data ${Buffer.byteLength(msg)}`,
      msg,
      `M 100644 inline src/file-${c % 200}.ts`,
      `data ${Buffer.byteLength(body)}`,
      body,
    ];
    if (!child.stdin.write(lines.join('\n'))) await new Promise((res) => child.stdin.once('drain', res));
  }
  child.stdin.end();
  await done;
}

function run(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    spawn(cmd, args, { cwd, stdio: 'ignore' }).once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
  });
}

async function measure(label: string, unit: string, work: () => Promise<ScanOutcome>): Promise<void> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const start = performance.now();
  const out = await work();
  const secs = (performance.now() - start) / 1000;
  clearInterval(sampler);
  const mb = out.stats.bytes / 1048576;
  const extra = out.stats.commits > 0 ? `, ${out.stats.commits} commits (${(out.stats.commits / secs).toFixed(0)} commits/s)` : '';
  console.log(
    `scan ${label}: ${mb.toFixed(1)} MB, ${out.stats.files} ${unit} in ${secs.toFixed(2)} s -> ${(mb / secs).toFixed(1)} MB/s, ` +
      `${(out.stats.files / secs).toFixed(0)} ${unit}/s${extra}; ${out.findings.length} findings; peak RSS ${(peak / 1048576).toFixed(0)} MB (main thread process)`,
  );
}

export async function runScanBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'arca-bench-'));
  const threads = availableParallelism();
  try {
    const r = new SeededRandom(42);
    const treeDir = join(dir, 'tree');
    const repoDir = join(dir, 'repo');
    buildTree(treeDir, r);
    await buildHistory(repoDir, r);
    const options = { config: emptyScanConfig, maxFileSize: 5 * 1024 * 1024, cwd: dir, threads };
    console.log(`scan bench: ${threads} worker threads`);
    await measure('tree', 'files', () => runScan({ type: 'paths', paths: [treeDir] }, options));
    await measure('history', 'file changes', () => runScan({ type: 'git', repo: repoDir }, options));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runScanBench();
