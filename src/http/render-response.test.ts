import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { markShared } from '../lib/shared-value.js';
import type { CoreResponse } from '../core/core-response.js';
import { renderSuccess } from './render-response.js';

/** The envelope as one JSON.stringify of an object in Vault's field order: the reference. */
function reference(requestId: string, res: CoreResponse): string {
  return JSON.stringify({
    request_id: requestId,
    lease_id: res.leaseId ?? '',
    renewable: res.renewable ?? false,
    lease_duration: res.leaseDuration ?? 0,
    data: res.wrapInfo ? null : (res.data ?? null),
    wrap_info: res.wrapInfo ?? null,
    warnings: res.warnings && res.warnings.length > 0 ? res.warnings : null,
    auth: res.wrapInfo ? null : (res.auth ?? null),
    mount_type: res.mountType ?? '',
  });
}

const responseArb: fc.Arbitrary<CoreResponse> = fc.record(
  {
    data: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })),
    warnings: fc.array(fc.string(), { maxLength: 2 }),
    leaseId: fc.string({ maxLength: 20 }),
    renewable: fc.boolean(),
    leaseDuration: fc.nat(),
    mountType: fc.constantFrom('kv', 'cubbyhole', ''),
    wrapInfo: fc.record({ token: fc.string(), accessor: fc.string(), ttl: fc.nat(), creation_time: fc.string(), creation_path: fc.string() }),
  },
  { requiredKeys: ['data'] },
);

test('the envelope is byte for byte the JSON of Vault-ordered fields, shared data or not', () => {
  fc.assert(
    fc.property(fc.uuid(), responseArb, fc.boolean(), (requestId, res, share) => {
      const input = share && res.data !== undefined ? { ...res, data: markShared(structuredClone(res.data)) } : res;
      const out = renderSuccess(requestId, input);
      assert.equal(out.status, 200);
      assert.equal(out.body, reference(requestId, res));
      // A shared value is answered from what was remembered: still the same bytes.
      assert.equal(renderSuccess(requestId, input).body, out.body);
    }),
  );
});

test('an empty success is 204 without a body', () => {
  assert.deepEqual([renderSuccess('r', undefined).status, renderSuccess('r', undefined).body], [204, '']);
  assert.equal(renderSuccess('r', { warnings: [] }).status, 204);
});

test('topLevelData repeats each data key before the envelope; the envelope wins a clash; wrapped answers have none', () => {
  const out = renderSuccess('r1', { data: { 'secret/': { type: 'kv' }, request_id: 'spoof' }, mountType: 'system' }, { topLevelData: true });
  const body = JSON.parse(String(out.body)) as Record<string, unknown>;
  assert.deepEqual(body['secret/'], { type: 'kv' });
  assert.equal(body['request_id'], 'r1');
  assert.deepEqual(body['data'], { 'secret/': { type: 'kv' }, request_id: 'spoof' });
  assert.ok(String(out.body).startsWith('{"secret/":{"type":"kv"},'));
  const wrapped = renderSuccess('r2', {
    data: { a: 1 },
    wrapInfo: { token: 't', accessor: 'a', ttl: 60, creation_time: '', creation_path: 'sys/wrapping/wrap' },
  }, { topLevelData: true });
  assert.equal(Object.prototype.hasOwnProperty.call(JSON.parse(String(wrapped.body)), 'a'), false);
  const plain = JSON.parse(String(renderSuccess('r3', { data: { a: 1 } }).body)) as Record<string, unknown>;
  assert.equal(Object.prototype.hasOwnProperty.call(plain, 'a'), false);
});
