// HTTP end-to-end: the userpass auth method enabled through sys/auth, a login over HTTP with
// a plain client, and the returned token used on a KV path its policy allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaClient } from '../../src/client/arca-client.js';
import { startTestServer } from '../http/start-test-server.js';

interface LoginBody {
  auth: { client_token: string; policies: string[]; metadata: Record<string, string>; lease_duration: number };
}

test('userpass: enable, create a user, log in, use the token within its policy', async () => {
  const t = await startTestServer();
  try {
    assert.equal((await t.client.raw('POST', 'sys/auth/userpass', { type: 'userpass' })).status, 204);
    await t.client.write('sys/policies/acl/app-read', { policy: 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}\n' });
    await t.client.write('secret/data/app/one', { data: { v: '1' } });
    await t.client.write('secret/data/other', { data: { v: '2' } });
    assert.equal((await t.client.raw('POST', 'auth/userpass/users/Alice', { password: 'pw-alice', token_policies: 'app-read', token_ttl: '1h' })).status, 204);
    const user = await t.client.raw('GET', 'auth/userpass/users/alice');
    assert.equal(user.status, 200);
    assert.equal(JSON.stringify(user.body).includes('pw-alice'), false);
    const list = await t.client.raw('LIST', 'auth/userpass/users');
    assert.deepEqual((list.body as { data: { keys: string[] } }).data.keys, ['alice']);

    const anon = new ArcaClient({ address: t.server.address });
    const login = await anon.raw('POST', 'auth/userpass/login/alice', { password: 'pw-alice' });
    assert.equal(login.status, 200);
    const auth = (login.body as LoginBody).auth;
    assert.deepEqual(auth.policies, ['app-read', 'default']);
    assert.deepEqual(auth.metadata, { username: 'alice' });
    assert.equal(auth.lease_duration, 3600);
    const app = new ArcaClient({ address: t.server.address, token: auth.client_token });
    assert.equal((await app.raw('GET', 'secret/data/app/one')).status, 200);
    assert.equal((await app.raw('GET', 'secret/data/other')).status, 403);
    assert.equal((await app.raw('GET', 'auth/userpass/users/alice')).status, 403);
  } finally {
    await t.close();
  }
});

test('userpass: wrong password and unknown user get the same 400; nothing secret in the answer', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('sys/auth/userpass', { type: 'userpass' });
    await t.client.write('auth/userpass/users/bob', { password: 'pw-bob' });
    const anon = new ArcaClient({ address: t.server.address });
    const wrong = await anon.raw('POST', 'auth/userpass/login/bob', { password: 'guess-1' });
    const unknown = await anon.raw('POST', 'auth/userpass/login/nobody', { password: 'guess-2' });
    assert.equal(wrong.status, 400);
    assert.equal(unknown.status, 400);
    assert.deepEqual(wrong.body, unknown.body);
    assert.deepEqual(wrong.body, { errors: ['invalid username or password'] });
    assert.equal(JSON.stringify(wrong.body).includes('guess'), false);
    // Management paths need a token; login does not.
    assert.equal((await anon.raw('GET', 'auth/userpass/users/bob')).status, 403);
    // A changed password replaces the old one.
    await t.client.write('auth/userpass/users/bob/password', { password: 'pw-bob-2' });
    assert.equal((await anon.raw('POST', 'auth/userpass/login/bob', { password: 'pw-bob' })).status, 400);
    assert.equal((await anon.raw('POST', 'auth/userpass/login/bob', { password: 'pw-bob-2' })).status, 200);
    await t.client.raw('DELETE', 'auth/userpass/users/bob');
    assert.equal((await anon.raw('POST', 'auth/userpass/login/bob', { password: 'pw-bob-2' })).status, 400);
  } finally {
    await t.close();
  }
});
