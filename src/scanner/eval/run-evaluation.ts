// src/scanner/eval — generates a corpus in a temp directory, scans its tree and its git
// history with the default configuration and scores both. `node --import tsx
// src/scanner/eval/run-evaluation.ts [seed]` prints the markdown tables kept in docs/scanner.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { emptyScanConfig } from '../scan-config.js';
import { runScan } from '../scan-runner.js';
import { generateCorpus } from './corpus-generator.js';
import type { Evaluation, KindScore } from './evaluation.js';
import { evaluate } from './evaluation.js';

export interface EvaluationReport {
  readonly tree: Evaluation;
  readonly history: Evaluation;
  readonly labels: { readonly tree: number; readonly history: number };
}

export async function runEvaluation(seed: number, threads = 0, perKind = 3): Promise<EvaluationReport> {
  const dir = mkdtempSync(join(tmpdir(), 'arca-eval-'));
  try {
    const corpus = generateCorpus(dir, seed, perKind);
    const options = { config: emptyScanConfig, maxFileSize: 5 * 1024 * 1024, cwd: dir, threads };
    const tree = await runScan({ type: 'paths', paths: [corpus.treeDir] }, options);
    const history = await runScan({ type: 'git', repo: corpus.repoDir }, options);
    return {
      tree: evaluate(tree.findings, corpus.treeLabels),
      history: evaluate(history.findings, corpus.historyLabels, true),
      labels: { tree: corpus.treeLabels.length, history: corpus.historyLabels.length },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (x: number): string => x.toFixed(3);
const row = (s: KindScore): string => `| ${s.kind} | ${s.tp} | ${s.fp} | ${s.fn} | ${pct(s.precision)} | ${pct(s.recall)} | ${pct(s.f1)} |`;

export function formatEvaluation(e: Evaluation, title: string): string {
  return [
    `### ${title}`,
    '',
    '| kind | TP | FP | FN | precision | recall | F1 |',
    '|---|---|---|---|---|---|---|',
    row(e.overall),
    ...e.perKind.map(row),
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const seed = Number(process.argv[2] ?? 1);
  const report = await runEvaluation(seed);
  process.stdout.write(`Seed ${seed}: ${report.labels.tree} labelled secrets in files, ${report.labels.history} only in history.\n\n`);
  process.stdout.write(formatEvaluation(report.tree, 'Working tree') + '\n' + formatEvaluation(report.history, 'History only (introducing commit must match)'));
}
