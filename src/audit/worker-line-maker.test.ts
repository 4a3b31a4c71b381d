import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GENESIS_HEAD } from './audit-chain.js';
import type { AuditEntry } from './audit-entry.js';
import { LocalLineMaker } from './audit-line-maker.js';
import type { LineSettings } from './audit-line-maker.js';
import { verifyAuditLog } from './verify-audit-log.js';
import { WorkerLineMaker } from './worker-line-maker.js';
import { sampleAuditEntry } from './sample-audit-entry.js';

const SETTINGS: LineSettings = { hmacKey: Buffer.from('0123456789abcdef0123456789abcdef'), hash: {}, prefix: '' };

function requestAndResponse(i: number, data: unknown): AuditEntry[] {
  const request = sampleAuditEntry('request', `req-${i}`);
  const blocks = { ...(request.auth ? { auth: request.auth } : {}), request: { ...request.request, data } };
  return [
    { ...request, ...blocks },
    { ...sampleAuditEntry('response', `req-${i}`), ...blocks },
  ];
}

test('the worker makes the same bytes and chain head as the event loop would, batch after batch', async () => {
  const worker = new WorkerLineMaker(SETTINGS);
  const local = new LocalLineMaker(SETTINGS);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(fc.tuple(fc.jsonValue(), fc.boolean()), { maxLength: 4 }), { minLength: 1, maxLength: 4 }), async (batches) => {
      let headW = GENESIS_HEAD;
      let headL = GENESIS_HEAD;
      let n = 0;
      // A request's two records share blocks and land in one batch or in consecutive ones.
      let carry: AuditEntry[] = [];
      for (const datas of batches) {
        const entries = [...carry];
        carry = [];
        for (const [data, together] of datas) {
          const [req, res] = requestAndResponse(n++, data) as [AuditEntry, AuditEntry];
          entries.push(req);
          if (together) entries.push(res);
          else carry.push(res);
        }
        const batch = entries.map((entry) => ({ entry }));
        const [w, l] = await Promise.all([worker.make(headW, batch), local.make(headL, batch)]);
        assert.equal(w.bytes.toString('utf8'), l.bytes.toString('utf8'));
        assert.deepEqual(w.head, l.head);
        assert.deepEqual(w.failed, []);
        headW = w.head;
        headL = l.head;
      }
    }),
    { numRuns: 25 },
  );
});

test('an entry that cannot be read fails alone; the others are chained and verify', async () => {
  const maker = new WorkerLineMaker(SETTINGS);
  const bad = sampleAuditEntry('request', 'bad');
  const hostile = Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw new Error('no'); } });
  const entries = [sampleAuditEntry('request', 'a'), { ...bad, request: { ...bad.request, data: hostile } }, sampleAuditEntry('request', 'b')];
  const made = await maker.make(GENESIS_HEAD, entries.map((entry) => ({ entry })));
  assert.deepEqual(made.failed, [1]);
  const text = made.bytes.toString('utf8');
  assert.equal(text.trim().split('\n').length, 2);
  const verdict = await verifyAuditLog({ text });
  assert.equal(verdict.ok, true);
  assert.deepEqual(made.head, verdict.ok ? verdict.last : undefined);
});

test('when the entry carrying a shared block fails, the entries that rely on it fail too', async () => {
  const maker = new WorkerLineMaker(SETTINGS);
  const hostile = Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw new Error('no'); } });
  const [req, res] = requestAndResponse(1, { fine: true }) as [AuditEntry, AuditEntry];
  const badRequest = { ...req.request, data: hostile };
  const entries: AuditEntry[] = [{ ...req, request: badRequest }, { ...res, request: badRequest }, sampleAuditEntry('request', 'ok')];
  const made = await maker.make(GENESIS_HEAD, entries.map((entry) => ({ entry })));
  assert.deepEqual(made.failed, [0, 1]);
  assert.equal(made.bytes.toString('utf8').trim().split('\n').length, 1);
});
