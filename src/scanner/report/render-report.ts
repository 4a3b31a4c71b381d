// src/scanner/report — format dispatch for `--format`.
import type { Finding } from '../finding.js';
import { renderCsv } from './report-csv.js';
import { renderJson } from './report-json.js';
import type { ReportOptions } from './report-options.js';
import { renderSarif } from './report-sarif.js';
import { renderTable } from './report-table.js';

export const REPORT_FORMATS = ['table', 'json', 'sarif', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s);
}

export function renderReport(format: ReportFormat, findings: readonly Finding[], options: ReportOptions): string {
  switch (format) {
    case 'table':
      return renderTable(findings, options);
    case 'json':
      return renderJson(findings, options);
    case 'sarif':
      return renderSarif(findings, options);
    case 'csv':
      return renderCsv(findings);
  }
}
