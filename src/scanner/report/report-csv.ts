// src/scanner/report — the CSV inventory (kind, file, line, commit, first seen, fingerprint).
// Cells are RFC 4180-quoted and formula-leading characters are neutralised so opening the
// inventory in a spreadsheet cannot execute anything.
import type { Finding } from '../finding.js';

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderCsv(findings: readonly Finding[]): string {
  const rows = [['kind', 'file', 'line', 'commit', 'first_seen', 'fingerprint']];
  for (const f of findings) rows.push([f.kind, f.file, String(f.line), f.commit ?? '', f.date ?? '', f.fingerprint]);
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
