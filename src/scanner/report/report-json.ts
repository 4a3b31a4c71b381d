// src/scanner/report — the JSON report. It doubles as a baseline file (`--baseline`).
import type { Finding } from '../finding.js';
import { redact } from '../redact.js';
import type { ReportOptions } from './report-options.js';

export function findingToJson(f: Finding, options: ReportOptions): Record<string, unknown> {
  return {
    kind: f.kind,
    description: f.description,
    file: f.file,
    line: f.line,
    column: f.column,
    value: options.showValues ? f.secret : redact(f.secret),
    fingerprint: f.fingerprint,
    ...(f.commit !== undefined ? { commit: f.commit, author: f.author, email: f.email, date: f.date } : {}),
  };
}

export function renderJson(findings: readonly Finding[], options: ReportOptions): string {
  return JSON.stringify({ version: 1, findings: findings.map((f) => findingToJson(f, options)) }, null, 2) + '\n';
}
