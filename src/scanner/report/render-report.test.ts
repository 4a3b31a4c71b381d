import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../finding.js';
import { redact } from '../redact.js';
import { csvCell, renderCsv } from './report-csv.js';
import { renderReport } from './render-report.js';

const secret = 'gl' + 'pat-' + 'Ab3dE5gH7jK9mN1pQ3sT';
const findings: Finding[] = [
  { kind: 'gitlab-pat', description: 'GitLab token', file: 'src/a b.ts', line: 3, column: 7, secret, fingerprint: 'f'.repeat(40) },
  {
    kind: 'generic-secret',
    description: 'Generic',
    file: '=cmd|calc',
    line: 1,
    column: 1,
    secret: 'Zq8xLp2W', // arca:allow (test fixture)
    fingerprint: 'e'.repeat(40),
    commit: 'c'.repeat(40),
    author: 'Ada',
    email: 'a@x.test',
    date: '2025-01-02T03:04:05Z',
  },
];

test('redaction shows a prefix and the last 4 characters, less for short values', () => {
  assert.equal(redact(secret), 'glpat-…' + secret.slice(-4));
  assert.equal(redact('Zq8xLp2W'), 'Z******');
});

test('no format leaks a whole value unless asked', () => {
  for (const format of ['table', 'json', 'sarif', 'csv'] as const) {
    const out = renderReport(format, findings, { showValues: false });
    assert.ok(!out.includes(secret), format);
    assert.ok(!out.includes('Zq8xLp2W'), format);
  }
  assert.ok(renderReport('table', findings, { showValues: true }).includes(secret));
  assert.ok(renderReport('json', findings, { showValues: true }).includes(secret));
});

test('SARIF 2.1.0 declares rules and locates results with fingerprints', () => {
  const sarif = JSON.parse(renderReport('sarif', findings, { showValues: false })) as {
    version: string;
    runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[]; partialFingerprints: Record<string, string> }[] }[];
  };
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  assert.ok(run);
  assert.deepEqual(run.tool.driver.rules.map((r) => r.id), ['generic-secret', 'gitlab-pat']);
  const r0 = run.results[0];
  assert.equal(r0?.ruleId, 'gitlab-pat');
  assert.equal(run.tool.driver.rules[r0?.ruleIndex ?? -1]?.id, 'gitlab-pat');
  assert.equal(r0?.locations[0]?.physicalLocation.artifactLocation.uri, 'src/a%20b.ts');
  assert.equal(r0?.locations[0]?.physicalLocation.region.startLine, 3);
  assert.equal(r0?.partialFingerprints['arcaFingerprint/v1'], 'f'.repeat(40));
});

test('CSV inventory has the documented columns, quoting and formula neutralisation', () => {
  const lines = renderCsv(findings).trimEnd().split('\r\n');
  assert.equal(lines[0], 'kind,file,line,commit,first_seen,fingerprint');
  assert.equal(lines[2], `generic-secret,'=cmd|calc,1,${'c'.repeat(40)},2025-01-02T03:04:05Z,${'e'.repeat(40)}`);
  assert.equal(csvCell('a,"b"'), '"a,""b"""');
});

test('JSON report carries commit context and the table says when nothing was found', () => {
  const json = JSON.parse(renderReport('json', findings, { showValues: false })) as { findings: { commit?: string; fingerprint: string }[] };
  assert.equal(json.findings[1]?.commit, 'c'.repeat(40));
  assert.equal(renderReport('table', [], { showValues: false }), 'No secrets found.\n');
});
