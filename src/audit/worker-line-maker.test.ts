import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GENESIS_HEAD } from './audit-chain.js';
import type { AuditEntry } from './audit-entry.js';
import { LocalLineMaker } from './audit-line-maker.js';
import type { LineSettings } from './audit-line-maker.js';
import { verifyAuditLog } from './verify-audit-log.js';
import { WorkerLineMaker, numberBlocks } from './worker-line-maker.js';
import { WorkerKnownBlocks } from './worker-known-blocks.js';
import { markShared } from '../lib/shared-value.js';
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

test('blocks the worker still remembers travel as numbers only, and the lines stay the same', async () => {
  // The sender remembers k blocks, the worker-side serializer 2k, as in production (scaled down).
  const k = 3;
  const spec = fc.tuple(fc.nat({ max: 4 }), fc.boolean(), fc.jsonValue({ maxDepth: 2 }), fc.nat({ max: 3 }), fc.boolean());
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(spec, { maxLength: 5 }), { minLength: 1, maxLength: 8 }), async (batches) => {
      const known = new WorkerKnownBlocks(k);
      const workerSide = new LocalLineMaker(SETTINGS, 2 * k);
      const reference = new LocalLineMaker(SETTINGS);
      // A few tokens: each one's auth block is one object, reused by all its requests.
      const auths = [0, 1, 2, 3, 4].map((t) => Object.freeze({ ...sampleAuditEntry().auth!, display_name: `token-${t}` }));
      // A few secrets read again and again: each answer is one shared object.
      const answers = [0, 1, 2, 3].map((v) => markShared({ data: { password: `p${v}` }, metadata: { version: v } }));
      let headW = GENESIS_HEAD;
      let headR = GENESIS_HEAD;
      let n = 0;
      let carry: AuditEntry[] = [];
      for (const specs of batches) {
        const entries = [...carry];
        carry = [];
        for (const [token, together, data, answer, clearPassword] of specs) {
          const request = Object.freeze({ ...sampleAuditEntry('request', `req-${n++}`).request, data });
          const auth = auths[token]!;
          const nonHmac = clearPassword ? { nonHmac: { responseKeys: ['data'] } } : {};
          entries.push({ type: 'request', time: 't', auth, request, ...nonHmac });
          const response: AuditEntry = { type: 'response', time: 't', auth, request, response: { status: 200, data: answers[answer], mount_type: 'kv' }, ...nonHmac };
          if (together) entries.push(response);
          else carry.push(response);
        }
        const sent = numberBlocks(entries.map((entry) => ({ entry })), known);
        // What the worker receives is a structured clone: no object identity survives.
        const w = workerSide.makeNow(headW, structuredClone(sent));
        // The reference sees plain copies: nothing shared, nothing numbered.
        const r = reference.makeNow(headR, structuredClone(entries).map((entry) => ({ entry })));
        assert.deepEqual(w.failed, []);
        assert.equal(w.bytes.toString('utf8'), r.bytes.toString('utf8'));
        headW = w.head;
        headR = r.head;
      }
    }),
    { numRuns: 200 },
  );
});

test('an omitted block is not cloned: the entry carries its number, not its contents', () => {
  const known = new WorkerKnownBlocks(8);
  const [req, res] = requestAndResponse(7, { a: 1 }) as [AuditEntry, AuditEntry];
  const [first] = numberBlocks([{ entry: req }], known);
  assert.equal(first?.ids?.omitted, undefined);
  const [second] = numberBlocks([{ entry: res }], known);
  assert.deepEqual(second?.ids?.omitted, { auth: true, request: true });
  assert.equal(second?.entry.auth, undefined);
  assert.equal(second?.entry.request.path, '', 'a stand-in, not the request block');
  known.clear();
  const [third] = numberBlocks([{ entry: res }], known);
  assert.equal(third?.ids?.omitted, undefined, 'after clear() everything is sent in full again');
});

test('shared response data read again travels as its number only', () => {
  const known = new WorkerKnownBlocks(8);
  const answer = markShared({ data: { password: 'p' }, metadata: { version: 1 } });
  const [req, res] = requestAndResponse(8, {}) as [AuditEntry, AuditEntry];
  const response = (r: AuditEntry): AuditEntry => ({ ...r, response: { status: 200, data: answer } });
  const [first] = numberBlocks([{ entry: response(res) }], known);
  assert.equal(first?.ids?.omitted?.data, undefined);
  assert.equal(first?.entry.response?.data, answer);
  const [again] = numberBlocks([{ entry: response({ ...res, request: { ...req.request, id: 'other' } }) }], known);
  assert.equal(again?.ids?.data, first?.ids?.data);
  assert.equal(again?.ids?.omitted?.data, true);
  assert.equal(again?.entry.response?.data, null);
  // Logged under other clear response keys, the same value is another block.
  const [clear] = numberBlocks([{ entry: { ...response(res), nonHmac: { responseKeys: ['data'] } } }], known);
  assert.notEqual(clear?.ids?.data, first?.ids?.data);
});

test('an entry that crosses without its known blocks keeps every other field', () => {
  const known = new WorkerKnownBlocks(8);
  const base = sampleAuditEntry('response');
  // Required<AuditEntry>: adding a field to the record makes this fail to compile until it is here.
  const full: Required<AuditEntry> = {
    type: base.type, time: base.time, auth: base.auth!, request: base.request, response: base.response!,
    error: 'permission denied', nonHmac: { responseKeys: ['x'] }, authToken: 'hvs.raw-token',
  };
  numberBlocks([{ entry: full }], known);
  const [again] = numberBlocks([{ entry: full }], known);
  const copy = again?.entry as Partial<AuditEntry>;
  assert.deepEqual(again?.ids?.omitted, { auth: true, request: true });
  for (const key of Object.keys(full) as (keyof AuditEntry)[]) {
    if (key === 'auth' || key === 'authToken') assert.equal(copy[key], undefined, `${key} stays behind with its block`);
    else if (key === 'request') assert.equal(copy.request?.path, '', 'a stand-in');
    else assert.deepEqual(copy[key], full[key], `${key} is carried`);
  }
});
