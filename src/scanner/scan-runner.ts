// src/scanner — orchestrates one scan: a set of paths (walked and batched over the worker
// pool), a git history (every commit of all refs or a range; each finding reported once, at
// the commit that introduced it, even if deleted later), the staged changes, or stdin text.
import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { ArcaError } from '../lib/errors.js';
import type { BatchResult, ChunkJob, FileJob } from './batch-scanner.js';
import { ContentScanner } from './content-scanner.js';
import type { Finding } from './finding.js';
import { walkFiles } from './file-walker.js';
import { historyArgs, stagedArgs, streamPatches } from './git-patches.js';
import type { ScanConfig } from './scan-config.js';
import { ScanPool } from './scan-pool.js';

export type ScanTarget =
  | { readonly type: 'paths'; readonly paths: readonly string[] }
  | { readonly type: 'git'; readonly repo: string; readonly range?: string }
  | { readonly type: 'staged'; readonly repo: string }
  | { readonly type: 'text'; readonly text: string; readonly name: string };

export interface ScanProgress {
  readonly files: number;
  readonly bytes: number;
  /** Files to scan, when known. */
  readonly total?: number;
  readonly commits?: number;
}

export interface ScanOptions {
  readonly config: ScanConfig;
  readonly maxFileSize: number;
  /** Worker threads; 0 runs inline. Default: one per core. */
  readonly threads?: number;
  readonly respectGitignore?: boolean;
  /** Base for relative paths and the default repository. */
  readonly cwd: string;
  readonly onProgress?: (p: ScanProgress) => void;
}

export interface ScanStats {
  readonly files: number;
  readonly bytes: number;
  readonly skipped: number;
  readonly commits: number;
}

export interface ScanOutcome {
  readonly findings: Finding[];
  readonly stats: ScanStats;
}

const BATCH_FILES = 64;
const BATCH_BYTES = 4 * 1024 * 1024;

class Tally {
  files = 0;
  bytes = 0;
  skipped = 0;
  commits = 0;
  add(r: BatchResult): void {
    this.files += r.files;
    this.bytes += r.bytes;
    this.skipped += r.skipped;
  }
  stats(): ScanStats {
    return { files: this.files, bytes: this.bytes, skipped: this.skipped, commits: this.commits };
  }
}

/** Keeps at most `limit` batches in flight so a huge tree or history is never queued whole. */
class InFlight {
  private readonly running = new Set<Promise<void>>();
  constructor(private readonly limit: number) {}
  async add(work: Promise<void>): Promise<void> {
    const p = work.finally(() => this.running.delete(p));
    this.running.add(p);
    if (this.running.size >= this.limit) await Promise.race(this.running);
  }
  async drain(): Promise<void> {
    await Promise.all(this.running);
  }
}

export async function runScan(target: ScanTarget, options: ScanOptions): Promise<ScanOutcome> {
  if (target.type === 'text') {
    const findings = new ContentScanner(options.config).scan(target.text, { file: target.name });
    return { findings, stats: { files: 1, bytes: target.text.length, skipped: 0, commits: 0 } };
  }
  const threads = options.threads ?? undefined;
  const pool = new ScanPool({ config: options.config, maxFileSize: options.maxFileSize }, threads);
  try {
    if (target.type === 'paths') return await scanPaths(target.paths, options, pool);
    return await scanPatches(target, options, pool);
  } finally {
    await pool.close();
  }
}

async function scanPaths(paths: readonly string[], options: ScanOptions, pool: ScanPool): Promise<ScanOutcome> {
  const tally = new Tally();
  const findings: Finding[] = [];
  const flight = new InFlight(pool.size * 3);
  let batch: FileJob[] = [];
  let batchBytes = 0;
  const files: FileJob[] = [];
  for (const given of paths) {
    const abs = isAbsolute(given) ? given : resolve(options.cwd, given);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new ArcaError('invalid_request', `no such file or directory: ${given}`);
    }
    const prefix = paths.length === 1 ? '' : given.replace(/\/+$/, '') + '/';
    if (!isDir) {
      files.push({ abs, rel: paths.length === 1 ? basename(abs) : given });
      continue;
    }
    for (const f of walkFiles(abs, { respectGitignore: options.respectGitignore !== false })) files.push({ abs: f.abs, rel: prefix + f.rel });
  }
  const submit = async (): Promise<void> => {
    const job = batch;
    batch = [];
    batchBytes = 0;
    await flight.add(
      pool.run({ type: 'files', files: job }).then((r) => {
        tally.add(r);
        findings.push(...r.findings);
        options.onProgress?.({ files: tally.files + tally.skipped, bytes: tally.bytes, total: files.length });
      }),
    );
  };
  for (const f of files) {
    batch.push(f);
    try {
      batchBytes += statSync(f.abs).size;
    } catch {
      // vanished: the batch scanner will skip it
    }
    if (batch.length >= BATCH_FILES || batchBytes >= BATCH_BYTES) await submit();
  }
  if (batch.length > 0) await submit();
  await flight.drain();
  return { findings: sortFindings(findings), stats: tally.stats() };
}

async function scanPatches(target: { type: 'git' | 'staged'; repo: string; range?: string }, options: ScanOptions, pool: ScanPool): Promise<ScanOutcome> {
  const repo = resolve(options.cwd, target.repo);
  try {
    if (!statSync(repo).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new ArcaError('invalid_request', `not a directory: ${target.repo}`);
  }
  const args = target.type === 'git' ? historyArgs(target.range) : stagedArgs();
  const tally = new Tally();
  const flight = new InFlight(pool.size * 3);
  // Log order is newest first, so the last occurrence of a fingerprint is its introduction.
  const earliest = new Map<string, { finding: Finding; order: number }>();
  let batch: ChunkJob[] = [];
  let batchBytes = 0;
  let batchIndex = 0;
  const submit = async (): Promise<void> => {
    const job = batch;
    const base = batchIndex++ * 1_000_000;
    batch = [];
    batchBytes = 0;
    await flight.add(
      pool.run({ type: 'chunks', chunks: job }).then((r) => {
        tally.add(r);
        r.findings.forEach((f, i) => {
          const prev = earliest.get(f.fingerprint);
          if (!prev || prev.order < base + i) earliest.set(f.fingerprint, { finding: f, order: base + i });
        });
        options.onProgress?.({ files: tally.files, bytes: tally.bytes, commits: tally.commits });
      }),
    );
  };
  for await (const chunk of streamPatches(repo, args, options.maxFileSize, () => tally.commits++)) {
    const origin = chunk.info ? { file: chunk.file, ...chunk.info } : { file: chunk.file };
    batch.push({ text: chunk.text, origin, lines: chunk.lines });
    batchBytes += chunk.text.length;
    if (batch.length >= 256 || batchBytes >= BATCH_BYTES) await submit();
  }
  if (batch.length > 0) await submit();
  await flight.drain();
  return { findings: sortFindings([...earliest.values()].map((e) => e.finding)), stats: tally.stats() };
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.kind < b.kind ? -1 : 1)));
}

/** The repository root containing `dir` is not needed by callers; kept for messages. */
export const describeTarget = (t: ScanTarget): string =>
  t.type === 'paths' ? t.paths.join(', ') : t.type === 'text' ? t.name : `${t.type === 'git' ? 'history' : 'staged changes'} of ${basename(resolve(t.repo)) || dirname(t.repo)}`;
