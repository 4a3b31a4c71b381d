// src/scanner — a baseline is the set of accepted findings, matched by fingerprint only.
// The file is the JSON report itself (`arca scan --format json` or `--write-baseline`), so
// accepting today's findings is one command; a bare array of findings or of fingerprint
// strings is also read.
import { readFileSync, writeFileSync } from 'node:fs';
import { ArcaError } from '../lib/errors.js';
import type { Finding } from './finding.js';
import { redact } from './redact.js';

export function readBaseline(file: string): Set<string> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new ArcaError('invalid_request', `cannot read baseline ${file} (expected a JSON report from arca scan)`);
  }
  const list = Array.isArray(doc) ? doc : (doc as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(list)) throw new ArcaError('invalid_request', `baseline ${file} has no findings array`);
  const out = new Set<string>();
  for (const item of list) {
    if (typeof item === 'string') out.add(item);
    else if (typeof item === 'object' && item !== null && typeof (item as { fingerprint?: unknown }).fingerprint === 'string') {
      out.add((item as { fingerprint: string }).fingerprint);
    }
  }
  return out;
}

export function writeBaseline(file: string, findings: readonly Finding[]): void {
  const entries = findings.map((f) => ({ fingerprint: f.fingerprint, kind: f.kind, file: f.file, line: f.line, value: redact(f.secret) }));
  writeFileSync(file, JSON.stringify({ version: 1, findings: entries }, null, 2) + '\n');
}

export function partitionByBaseline(findings: readonly Finding[], baseline: ReadonlySet<string>): { fresh: Finding[]; accepted: Finding[] } {
  const fresh: Finding[] = [];
  const accepted: Finding[] = [];
  for (const f of findings) (baseline.has(f.fingerprint) ? accepted : fresh).push(f);
  return { fresh, accepted };
}
