import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AuditEntry, AuditNonHmac } from './audit-entry.js';
import { AuditHasher } from './audit-hasher.js';
import { AuditLineSerializer } from './audit-line-serializer.js';
import { hashAuditEntry } from './hash-audit-entry.js';
import type { AuditHashOptions } from './hash-audit-entry.js';
import { SAMPLE_SECRETS, sampleAuditEntry } from './sample-audit-entry.js';
import { markShared } from '../lib/shared-value.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef');
const parse = (body: string): unknown => JSON.parse(`${body}}`);

const OPTION_SETS: AuditHashOptions[] = [{}, { hmacAccessor: false }, { elideListResponses: true }];

/** Top-level keys drawn from a small pool, so they often name keys the data really has. */
const KEY_POOL = ['a', 'b', 'password', 'keys', 'key_info', '__proto__', 'x-forwarded-for', 'authorization'];
const nonHmacArb: fc.Arbitrary<AuditNonHmac | undefined> = fc.option(
  fc.record(
    {
      requestKeys: fc.uniqueArray(fc.constantFrom(...KEY_POOL)),
      responseKeys: fc.uniqueArray(fc.constantFrom(...KEY_POOL)),
      requestHeaders: fc.uniqueArray(fc.constantFrom(...KEY_POOL)),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);
const dataArb = fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom(...KEY_POOL), fc.jsonValue()));
const headersArb = fc.option(fc.dictionary(fc.constantFrom(...KEY_POOL), fc.array(fc.string(), { maxLength: 3 })), { nil: undefined });

test('a serialised record is the JSON of hashAuditEntry (the reference), under every option and non-HMAC setting', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('request' as const, 'response' as const),
      dataArb,
      fc.constantFrom(...OPTION_SETS),
      fc.boolean(),
      nonHmacArb,
      headersArb,
      (type, data, options, withError, nonHmac, headers) => {
        const base = sampleAuditEntry(type);
        const entry: AuditEntry = {
          ...base,
          request: { ...base.request, data, ...(headers !== undefined ? { headers } : {}) },
          ...(base.response ? { response: { ...base.response, data } } : {}),
          ...(withError ? { error: 'permission denied' } : {}),
          ...(nonHmac !== undefined ? { nonHmac } : {}),
        };
        const serializer = new AuditLineSerializer(new AuditHasher(KEY), options);
        assert.deepEqual(parse(serializer.body(entry)), JSON.parse(JSON.stringify(hashAuditEntry(entry, KEY, options))));
      },
    ),
  );
});

test("a request's two records reuse the request block made with their shared non-HMAC keys", () => {
  const serializer = new AuditLineSerializer(new AuditHasher(KEY), {});
  const nonHmac: AuditNonHmac = { requestKeys: ['options'], responseKeys: ['version'] };
  const request: AuditEntry = { ...sampleAuditEntry('request'), nonHmac };
  const response: AuditEntry = { ...sampleAuditEntry('response'), request: request.request, nonHmac };
  const first = parse(serializer.body(request)) as { request: { data: Record<string, unknown> } };
  const second = parse(serializer.body(response)) as { request: unknown; response: { data: Record<string, unknown> } };
  assert.deepEqual(first.request.data['options'], { cas: 3 });
  assert.deepEqual(second.request, first.request);
  assert.equal(second.response.data['version'], 4);
  assert.match(String(second.response.data['password']), /^hmac-sha256:/);
  assert.ok(!('nonHmac' in (parse(serializer.body(response)) as object)), 'the instruction itself is never written');
});

test('log_raw writes values in clear', () => {
  const entry = sampleAuditEntry('response');
  const out = parse(new AuditLineSerializer(new AuditHasher(KEY), { logRaw: true }).body(entry));
  assert.deepEqual(out, JSON.parse(JSON.stringify(entry)));
});

test("the blocks a request's two records share are serialised once and reused", () => {
  const hasher = new AuditHasher(KEY);
  let identifiers = 0;
  const counted = Object.assign(Object.create(hasher) as AuditHasher, {
    hashIdentifier: (value: string): string => {
      identifiers++;
      return hasher.hashIdentifier(value);
    },
  });
  const serializer = new AuditLineSerializer(counted, {});
  const request = sampleAuditEntry('request');
  const response: AuditEntry = { ...sampleAuditEntry('response'), ...(request.auth ? { auth: request.auth } : {}), request: request.request };
  const first = parse(serializer.body(request)) as Record<string, unknown>;
  assert.equal(identifiers, 2, 'token and accessor hashed once each, though each appears twice');
  const second = parse(serializer.body(response)) as Record<string, unknown>;
  assert.equal(identifiers, 3, "only the response's own auth block hashes an identifier again (its accessor)");
  assert.deepEqual(second['auth'], first['auth']);
  assert.deepEqual(second['request'], first['request']);

  // Other objects with the same content are serialised on their own (no mix-ups by content).
  const other = sampleAuditEntry('request', 'req-0002');
  const third = parse(serializer.body(other)) as { request: { id: string } };
  assert.equal(third.request.id, 'req-0002');
});

test('no secret marker survives serialisation', () => {
  const body = new AuditLineSerializer(new AuditHasher(KEY), {}).body(sampleAuditEntry('response'));
  for (const secret of Object.values(SAMPLE_SECRETS)) assert.ok(!body.includes(secret), `${secret} leaked`);
});

test('shared response data is serialised once and spliced in: the same text as unshared data, per non-HMAC keys', () => {
  fc.assert(
    fc.property(dataArb, fc.constantFrom(...OPTION_SETS), nonHmacArb, fc.boolean(), fc.boolean(), (data, options, nonHmac, asList, plainRead) => {
      const base = sampleAuditEntry('response');
      const request = asList ? { ...base.request, operation: 'list' } : base.request;
      // A plain read's response has nothing to hash besides its data (written without a hashed copy).
      const response = plainRead ? { status: 200, mount_type: 'kv' } : base.response!;
      const plain: AuditEntry = { ...base, request, response: { ...response, data: structuredClone(data) }, ...(nonHmac ? { nonHmac } : {}) };
      const shared = typeof data === 'object' && data !== null ? markShared(structuredClone(data)) : data;
      const entry: AuditEntry = { ...plain, response: { ...plain.response!, data: shared } };
      const reference = new AuditLineSerializer(new AuditHasher(KEY), options).body(plain);
      const serializer = new AuditLineSerializer(new AuditHasher(KEY), options);
      assert.equal(serializer.body(entry), reference);
      assert.equal(serializer.body(entry), reference, 'and again from what it remembered');
      // Under other clear keys the remembered text is not reused.
      const other: AuditEntry = { ...entry, nonHmac: { responseKeys: ['password', 'keys'] } };
      const otherReference = new AuditLineSerializer(new AuditHasher(KEY), options).body({ ...plain, nonHmac: { responseKeys: ['password', 'keys'] } });
      assert.equal(serializer.body(other), otherReference);
    }),
  );
});

test("an entry's authToken is written as the shared auth block's client_token, and only there", () => {
  const base = sampleAuditEntry('response');
  const shared: AuditEntry = { ...base, auth: { ...base.auth!, client_token: '' }, authToken: SAMPLE_SECRETS.clientToken };
  for (const options of [...OPTION_SETS, { logRaw: true }]) {
    const serializer = new AuditLineSerializer(new AuditHasher(KEY), options);
    const written = serializer.body(shared);
    assert.equal(written, new AuditLineSerializer(new AuditHasher(KEY), options).body(base), 'as if the block held the token');
    assert.deepEqual(parse(written), JSON.parse(JSON.stringify(hashAuditEntry(shared, KEY, options))), 'the reference agrees');
    assert.equal(written.includes('authToken'), false);
  }
});

test("later requests of one token hash neither its token nor its accessor again, and write what the reference writes", () => {
  class CountingHasher extends AuditHasher {
    identifiers = 0;
    override hashIdentifier(value: string): string {
      this.identifiers += 1;
      return super.hashIdentifier(value);
    }
  }
  const base = sampleAuditEntry('request');
  const auth = { ...base.auth!, client_token: '' };
  for (const options of OPTION_SETS) {
    const hasher = new CountingHasher(KEY);
    const serializer = new AuditLineSerializer(hasher, options);
    for (let i = 0; i < 3; i++) {
      // A new request (its own request block) by the same token, with the same shared auth block.
      const entry: AuditEntry = { ...base, auth, authToken: SAMPLE_SECRETS.clientToken, request: { ...base.request, id: `req-${i}` } };
      const before = hasher.identifiers;
      const written = serializer.body(entry);
      assert.deepEqual(parse(written), JSON.parse(JSON.stringify(hashAuditEntry(entry, KEY, options))), 'the reference agrees');
      if (i > 0) assert.equal(hasher.identifiers - before, 0, `request ${i}: nothing hashed again`);
    }
    // Another token's request with that block is not served the first token's HMAC.
    const other: AuditEntry = { ...base, auth, authToken: SAMPLE_SECRETS.clientToken, request: { ...base.request, id: 'req-x', client_token: 'hvs.OTHER-TOKEN' } };
    assert.deepEqual(parse(serializer.body(other)), JSON.parse(JSON.stringify(hashAuditEntry(other, KEY, options))));
  }
});
