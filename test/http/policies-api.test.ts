// HTTP: sys/policies/acl and the legacy sys/policy routes against Vault's answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from './start-test-server.js';
import type { TestServer } from './start-test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const NOT_SUPPLIED = { errors: ["'policy' parameter not supplied or empty"] };

test('an empty policy text is refused (400) on both routes and nothing is stored', async () => {
  for (const [path, body] of [
    ['sys/policies/acl/empty1', { policy: '' }],
    ['sys/policies/acl/empty1', {}],
    ['sys/policy/empty1', { rules: '' }],
    ['sys/policy/empty1', { policy: '', rules: '' }],
  ] as const) {
    const res = await t.client.raw('PUT', path, body);
    assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
    assert.deepEqual(res.body, NOT_SUPPLIED);
  }
  assert.equal((await t.client.raw('GET', 'sys/policies/acl/empty1')).status, 404);
  // The legacy route falls back to `rules` when `policy` is empty.
  const legacy = await t.client.raw('PUT', 'sys/policy/Legacy1', { policy: '', rules: 'path "a/*" { capabilities = ["read"] }' });
  assert.equal(legacy.status, 204);
  const read = await t.client.raw('GET', 'sys/policies/acl/legacy1');
  assert.equal((read.body as { data: { name: string } }).data.name, 'legacy1');
});
