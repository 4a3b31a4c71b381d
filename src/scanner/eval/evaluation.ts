// src/scanner/eval — precision, recall and F1 per kind and overall (micro-averaged) of a
// scan against corpus labels. A finding counts only if kind, file and secret all match
// (and the commit, for history labels); duplicates of one (kind, file, secret) count once.
import type { Finding } from '../finding.js';
import type { Label } from './corpus-generator.js';

export interface KindScore {
  readonly kind: string;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface Evaluation {
  readonly overall: KindScore;
  readonly perKind: KindScore[];
}

function score(kind: string, tp: number, fp: number, fn: number): KindScore {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { kind, tp, fp, fn, precision, recall, f1 };
}

export function evaluate(findings: readonly Finding[], labels: readonly Label[], checkCommit = false): Evaluation {
  const key = (kind: string, file: string, secret: string): string => `${kind}\0${file}\0${secret}`;
  const wanted = new Map(labels.map((l) => [key(l.kind, l.file, l.secret), l]));
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const bump = (kind: string, field: 'tp' | 'fp' | 'fn'): void => {
    const c = counts.get(kind) ?? { tp: 0, fp: 0, fn: 0 };
    c[field]++;
    counts.set(kind, c);
  };
  const matched = new Set<string>();
  const reported = new Set<string>();
  for (const f of findings) {
    const k = key(f.kind, f.file, f.secret);
    if (reported.has(k)) continue;
    reported.add(k);
    const label = wanted.get(k);
    if (label && (!checkCommit || label.commit === f.commit)) {
      matched.add(k);
      bump(f.kind, 'tp');
    } else bump(f.kind, 'fp');
  }
  for (const [k, l] of wanted) if (!matched.has(k)) bump(l.kind, 'fn');
  const perKind = [...counts.entries()].map(([kind, c]) => score(kind, c.tp, c.fp, c.fn)).sort((a, b) => (a.kind < b.kind ? -1 : 1));
  const total = perKind.reduce((a, s) => ({ tp: a.tp + s.tp, fp: a.fp + s.fp, fn: a.fn + s.fn }), { tp: 0, fp: 0, fn: 0 });
  return { overall: score('overall', total.tp, total.fp, total.fn), perKind };
}
