import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AuditEntry } from './audit-entry.js';
import { AuditHasher } from './audit-hasher.js';
import { AuditLineSerializer } from './audit-line-serializer.js';
import { hashAuditEntry } from './hash-audit-entry.js';
import type { AuditHashOptions } from './hash-audit-entry.js';
import { SAMPLE_SECRETS, sampleAuditEntry } from './sample-audit-entry.js';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef');
const parse = (body: string): unknown => JSON.parse(`${body}}`);

const OPTION_SETS: AuditHashOptions[] = [{}, { hmacAccessor: false }, { elideListResponses: true }];

test('a serialised record is the JSON of hashAuditEntry (the reference), under every option', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('request' as const, 'response' as const),
      fc.jsonValue(),
      fc.constantFrom(...OPTION_SETS),
      fc.boolean(),
      (type, data, options, withError) => {
        const base = sampleAuditEntry(type);
        const entry: AuditEntry = {
          ...base,
          request: { ...base.request, data },
          ...(base.response ? { response: { ...base.response, data } } : {}),
          ...(withError ? { error: 'permission denied' } : {}),
        };
        const serializer = new AuditLineSerializer(new AuditHasher(KEY), options);
        assert.deepEqual(parse(serializer.body(entry)), JSON.parse(JSON.stringify(hashAuditEntry(entry, KEY, options))));
      },
    ),
  );
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
