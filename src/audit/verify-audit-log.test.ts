import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { verifyAuditLog, type AuditVerifyResult } from './verify-audit-log.js';
import { AuditChain, GENESIS_HEAD, type ChainHead } from './audit-chain.js';

/** A chained log of `n` small records, built the way devices build it. */
function chainedLines(n: number, start: ChainHead = GENESIS_HEAD): { lines: string[]; head: ChainHead } {
  const chain = new AuditChain(start);
  const lines = Array.from({ length: n }, (_, i) => chain.append({ type: 'request', time: 't', request: { id: `r${i}` } }));
  return { lines, head: chain.head() };
}

const text = (lines: readonly string[]): { text: string } => ({ text: lines.map((l) => `${l}\n`).join('') });

function problem(result: AuditVerifyResult): [number, string] | 'ok' {
  return result.ok ? 'ok' : [result.line, result.reason];
}

test('an intact log verifies and reports its last head', async () => {
  const { lines, head } = chainedLines(5);
  assert.deepEqual(await verifyAuditLog(text(lines)), { ok: true, records: 5, firstSeq: 1, last: head });
  assert.deepEqual(await verifyAuditLog({ text: '' }), { ok: true, records: 0, firstSeq: 0, last: GENESIS_HEAD });
});

test('an edited line is reported at that line', async () => {
  const { lines } = chainedLines(5);
  lines[2] = (lines[2] ?? '').replace('"r2"', '"r9"');
  assert.deepEqual(problem(await verifyAuditLog(text(lines))), [3, 'edited']);
});

test('an edited first line is reported at line 1', async () => {
  const { lines } = chainedLines(3);
  lines[0] = (lines[0] ?? '').replace('"r0"', '"rX"');
  assert.deepEqual(problem(await verifyAuditLog(text(lines))), [1, 'edited']);
});

test('a removed middle line is reported where the gap is', async () => {
  const { lines } = chainedLines(5);
  lines.splice(2, 1);
  const result = await verifyAuditLog(text(lines));
  assert.deepEqual(problem(result), [3, 'removed']);
  assert.match(result.ok ? '' : result.detail, /seq 3\.\.3 are missing/);
});

test('removed leading lines are reported at line 1', async () => {
  const { lines } = chainedLines(5);
  assert.deepEqual(problem(await verifyAuditLog(text(lines.slice(2)))), [1, 'removed']);
});

test('a reordered pair is reported as reordered, not removed', async () => {
  const { lines } = chainedLines(6);
  const [a, b] = [lines[2] ?? '', lines[3] ?? ''];
  lines[2] = b;
  lines[3] = a;
  assert.deepEqual(problem(await verifyAuditLog(text(lines))), [3, 'reordered']);
  const swappedFirst = chainedLines(3).lines;
  assert.deepEqual(problem(await verifyAuditLog(text([swappedFirst[1] ?? '', swappedFirst[0] ?? '', swappedFirst[2] ?? '']))), [1, 'reordered']);
});

test('a duplicated line is reported as reordered', async () => {
  const { lines } = chainedLines(4);
  lines.splice(2, 0, lines[1] ?? '');
  assert.deepEqual(problem(await verifyAuditLog(text(lines))), [3, 'reordered']);
});

test('malformed lines: not JSON, no seq, bad prev_hash, blank, wrong prefix', async () => {
  const { lines } = chainedLines(3);
  for (const bad of ['not json', '{"type":"request"}', '{"seq":2,"prev_hash":"xyz"}', '']) {
    const copy = [...lines];
    copy[1] = bad;
    assert.deepEqual(problem(await verifyAuditLog(text(copy))), [2, 'malformed'], bad);
  }
  assert.deepEqual(problem(await verifyAuditLog(text(lines), { prefix: 'p: ' })), [1, 'malformed']);
});

test('a truncated tail passes on the file alone (documented limit) but fails against a checkpoint', async () => {
  const { lines, head } = chainedLines(5);
  const truncated = lines.slice(0, 3);
  assert.equal((await verifyAuditLog(text(truncated))).ok, true);
  const result = await verifyAuditLog(text(truncated), { checkpoint: head });
  assert.deepEqual(problem(result), [4, 'removed']);
  assert.match(result.ok ? '' : result.detail, /tail was truncated/);
});

test('an edited last line is caught only by a checkpoint', async () => {
  const { lines, head } = chainedLines(3);
  lines[2] = (lines[2] ?? '').replace('"r2"', '"rZ"');
  assert.equal((await verifyAuditLog(text(lines))).ok, true);
  assert.deepEqual(problem(await verifyAuditLog(text(lines), { checkpoint: head })), [3, 'edited']);
});

test('a continuation file verifies with `after` or `after: any`, and fails against the wrong head', async () => {
  const first = chainedLines(3);
  const second = chainedLines(2, first.head);
  assert.deepEqual(await verifyAuditLog(text(second.lines), { after: first.head }), { ok: true, records: 2, firstSeq: 4, last: second.head });
  assert.equal((await verifyAuditLog(text(second.lines), { after: 'any' })).ok, true);
  const wrong = { seq: first.head.seq, hash: 'f'.repeat(64) };
  assert.deepEqual(problem(await verifyAuditLog(text(second.lines), { after: wrong })), [1, 'edited']);
});

test('CRLF line endings change the bytes and show as edited', async () => {
  const { lines } = chainedLines(3);
  assert.deepEqual(problem(await verifyAuditLog({ text: lines.join('\r\n') + '\r\n' })), [1, 'edited']);
});

test('verifying a path streams the file and agrees with verifying its text', async (t) => {
  const dir = fs.mkdtempSync(os.tmpdir() + '/arca-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'audit.log');
  const { lines } = chainedLines(50);
  lines[20] = (lines[20] ?? '') + ' ';
  fs.writeFileSync(file, text(lines).text);
  assert.deepEqual(await verifyAuditLog({ path: file }), await verifyAuditLog(text(lines)));
  assert.deepEqual(problem(await verifyAuditLog({ path: file })), [21, 'edited']);
});

test('property: any single-line deletion, swap or byte change (not on the last line) is detected', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 3, max: 12 }), fc.nat(), fc.constantFrom('delete', 'swap', 'edit'), async (n, pick, op) => {
      const { lines } = chainedLines(n);
      const i = pick % (n - 1);
      if (op === 'delete') lines.splice(i, 1);
      else if (op === 'swap') [lines[i], lines[i + 1]] = [lines[i + 1] ?? '', lines[i] ?? ''];
      else lines[i] = (lines[i] ?? '').replace('"t"', '"u"');
      assert.equal((await verifyAuditLog(text(lines))).ok, false);
    }),
  );
});
