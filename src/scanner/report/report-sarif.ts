// src/scanner/report — SARIF 2.1.0 for code-scanning UIs. Each rule that fired is declared
// in tool.driver.rules; results carry the fingerprint in partialFingerprints so the UI
// tracks a finding across line moves the same way baselines do.
import type { Finding } from '../finding.js';
import { redact } from '../redact.js';
import type { ReportOptions } from './report-options.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export function renderSarif(findings: readonly Finding[], options: ReportOptions, toolVersion = '0.1.0'): string {
  const rules = new Map<string, string>();
  for (const f of findings) rules.set(f.kind, f.description);
  const ruleIds = [...rules.keys()].sort();
  const results = findings.map((f) => ({
    ruleId: f.kind,
    ruleIndex: ruleIds.indexOf(f.kind),
    level: 'error',
    message: { text: `${f.description} (${options.showValues ? f.secret : redact(f.secret)})${f.commit ? ` introduced in commit ${f.commit}` : ''}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(f.file) },
          region: { startLine: f.line, startColumn: f.column },
        },
      },
    ],
    partialFingerprints: { 'arcaFingerprint/v1': f.fingerprint },
    ...(f.commit ? { properties: { commit: f.commit, author: f.author, date: f.date } } : {}),
  }));
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'arca-scan',
            version: toolVersion,
            informationUri: 'https://github.com/arca/arca/blob/main/docs/scanner.md',
            rules: ruleIds.map((id) => ({
              id,
              name: id,
              shortDescription: { text: rules.get(id) ?? id },
              defaultConfiguration: { level: 'error' },
            })),
          },
        },
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
