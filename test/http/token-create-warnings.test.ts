// HTTP end-to-end: auth/token/create warns, once per policy, about policies that do not exist
// (Vault's handleCreateCommon adds `Policy "<name>" does not exist`), and still creates the token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from './start-test-server.js';

interface Created { warnings: string[] | null; auth: { client_token: string; policies: string[] } }

test('token create: one warning per missing policy, none for existing ones; the token is still created', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('sys/policies/acl/app', { policy: 'path "secret/*" {\n  capabilities = ["read"]\n}\n' });
    const res = await t.client.raw('POST', 'auth/token/create', { policies: ['app', 'ghost', 'typo-db'] });
    assert.equal(res.status, 200);
    const body = res.body as Created;
    assert.deepEqual(body.auth.policies, ['app', 'default', 'ghost', 'typo-db']);
    assert.deepEqual(body.warnings, ['Policy "ghost" does not exist', 'Policy "typo-db" does not exist']);
    // The token works: its lookup answers with the policies it was given.
    const look = await t.client.raw('POST', 'auth/token/lookup', { token: body.auth.client_token });
    assert.equal(look.status, 200);

    const clean = await t.client.raw('POST', 'auth/token/create-orphan', { policies: ['app'] });
    assert.equal((clean.body as Created).warnings, null);
  } finally {
    await t.close();
  }
});
