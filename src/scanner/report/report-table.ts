// src/scanner/report — the human-readable table: one row per finding, values redacted.
import type { Finding } from '../finding.js';
import { redact } from '../redact.js';
import type { ReportOptions } from './report-options.js';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function renderTable(findings: readonly Finding[], options: ReportOptions): string {
  if (findings.length === 0) return 'No secrets found.\n';
  const withCommit = findings.some((f) => f.commit !== undefined);
  const header = ['KIND', 'LOCATION', 'VALUE', ...(withCommit ? ['COMMIT', 'AUTHOR', 'DATE'] : [])];
  const rows = findings.map((f) => [
    f.kind,
    `${f.file}:${f.line}:${f.column}`,
    options.showValues ? f.secret.replace(/\s+/g, ' ') : redact(f.secret),
    ...(withCommit ? [f.commit?.slice(0, 12) ?? '', f.author ?? '', f.date?.slice(0, 10) ?? ''] : []),
  ]);
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: readonly string[]): string => cells.map((c, i) => pad(c, widths[i] ?? 0)).join('  ').trimEnd();
  const n = findings.length;
  return [line(header), ...rows.map(line), '', `${n} secret${n === 1 ? '' : 's'} found.`, ''].join('\n');
}
