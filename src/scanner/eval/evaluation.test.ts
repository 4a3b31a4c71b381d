// Quality bars from the scanner issue, measured on generated corpora (not a timing test):
// precision ≥ 0.95 and recall ≥ 0.90 overall, in files and on secrets only in history.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runEvaluation } from './run-evaluation.js';

for (const seed of [1, 20260101]) {
  test(`evaluation corpus (seed ${seed}) meets the precision and recall bars`, async () => {
    const report = await runEvaluation(seed, 0);
    assert.ok(report.labels.tree >= 250, 'corpus too small to be meaningful');
    assert.ok(report.labels.history >= 90);
    const t = report.tree.overall;
    const h = report.history.overall;
    assert.ok(t.precision >= 0.95, `tree precision ${t.precision}`);
    assert.ok(t.recall >= 0.9, `tree recall ${t.recall}`);
    assert.ok(h.precision >= 0.95, `history precision ${h.precision}`);
    assert.ok(h.recall >= 0.9, `history recall ${h.recall}`);
    // Every rule is exercised by the corpus.
    assert.ok(report.tree.perKind.length >= 90, `only ${report.tree.perKind.length} kinds scored`);
  });
}
