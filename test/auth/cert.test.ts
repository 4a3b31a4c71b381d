// HTTP end-to-end: the cert auth method over the real TLS listener (dev TLS). The method is
// enabled through sys/auth with the root token; clients then log in with a TLS client
// certificate (https.request with cert/key, one connection each so no TLS session carries a
// previous certificate) and use the returned token. Error cases: another CA, an expired
// certificate, a common-name constraint, no certificate at all, and a plain-HTTP listener.
// Renewal presents the login certificate again (Vault's binding) and is refused once the
// role's CA no longer trusts it, the role is gone, or without a certificate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import https from 'node:https';
import { issueCert } from '../../src/auth/cert/cert-testing.js';
import type { TestCert } from '../../src/auth/cert/cert-testing.js';
import { startTestServer } from '../http/start-test-server.js';
import type { TestServer } from '../http/start-test-server.js';

const DAY = 86_400_000;

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

interface CallOptions {
  readonly token?: string;
  readonly body?: Record<string, unknown>;
  /** Client certificate (with any intermediates after it) and its key. */
  readonly cert?: string;
  readonly key?: string;
}

/** The dev listener's certificate (a dev server keeps its data under <cwd>/arca-data). */
function devCaFile(t: TestServer): string {
  const candidates = [join(t.dataDir, 'arca-data', 'dev-tls', 'cert.pem'), join(t.dataDir, 'dev-tls', 'cert.pem')];
  const found = candidates.find((f) => existsSync(f));
  if (!found) throw new Error('dev TLS certificate not found');
  return found;
}

function call(t: TestServer, method: string, path: string, o: CallOptions = {}): Promise<Reply> {
  const ca = readFileSync(devCaFile(t));
  const url = new URL(`/v1/${path}`, t.server.address);
  const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method, ca, agent: false,
        ...(o.cert !== undefined ? { cert: o.cert } : {}),
        ...(o.key !== undefined ? { key: o.key } : {}),
        headers: {
          ...(o.token !== undefined ? { 'X-Vault-Token': o.token } : {}),
          ...(payload !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : (JSON.parse(text) as unknown) });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface LoginBody {
  auth: { client_token: string; policies: string[]; metadata: Record<string, string> };
}

async function world(): Promise<{ t: TestServer; root: string; ca: TestCert }> {
  const t = await startTestServer({ dev: true, devTls: true });
  const root = t.server.rootToken;
  assert.equal((await call(t, 'POST', 'sys/auth/cert', { token: root, body: { type: 'cert' } })).status, 204);
  await call(t, 'PUT', 'sys/policies/acl/app-read', { token: root, body: { policy: 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}\n' } });
  await call(t, 'PUT', 'secret/data/app/one', { token: root, body: { data: { v: '1' } } });
  const ca = await issueCert({ subject: 'CN=Client CA', ca: true });
  const role = { certificate: ca.pem, token_policies: 'app-read', allowed_common_names: '*.clients.example', display_name: 'web' };
  assert.equal((await call(t, 'PUT', 'auth/cert/certs/web', { token: root, body: role })).status, 204);
  return { t, root, ca };
}

test('cert: a client certificate from the trusted CA logs in over TLS and its token works within policy', async () => {
  const { t, root, ca } = await world();
  try {
    const listed = await call(t, 'LIST', 'auth/cert/certs', { token: root });
    assert.deepEqual((listed.body as { data: { keys: string[] } }).data.keys, ['web']);
    const leaf = await issueCert({ subject: 'CN=api.clients.example', issuer: ca });
    const login = await call(t, 'POST', 'auth/cert/login', { cert: leaf.pem, key: leaf.keyPem, body: {} });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const auth = (login.body as LoginBody).auth;
    assert.deepEqual(auth.policies, ['app-read', 'default']);
    assert.equal(auth.metadata.cert_name, 'web');
    assert.equal(auth.metadata.common_name, 'api.clients.example');
    assert.equal((await call(t, 'GET', 'secret/data/app/one', { token: auth.client_token })).status, 200);
    assert.equal((await call(t, 'GET', 'sys/mounts', { token: auth.client_token })).status, 403);
    const self = await call(t, 'GET', 'auth/token/lookup-self', { token: auth.client_token });
    assert.equal((self.body as { data: { display_name: string } }).data.display_name, 'cert-web');

    // Through an intermediate the client sends after its leaf, and with the role named.
    const inter = await issueCert({ subject: 'CN=Issuing CA', issuer: ca, ca: true });
    const deep = await issueCert({ subject: 'CN=batch.clients.example', issuer: inter });
    const chained = await call(t, 'POST', 'auth/cert/login', { cert: deep.pem + inter.pem, key: deep.keyPem, body: { name: 'web' } });
    assert.equal(chained.status, 200, JSON.stringify(chained.body));
  } finally {
    await t.close();
  }
});

test('cert: another CA, an expired certificate, a wrong common name and no certificate are 400', async () => {
  const { t, ca } = await world();
  try {
    const untrusted = ['invalid certificate or no client certificate supplied'];
    const other = await issueCert({ subject: 'CN=Other CA', ca: true });
    const stranger = await issueCert({ subject: 'CN=api.clients.example', issuer: other });
    const expired = await issueCert({
      subject: 'CN=api.clients.example', issuer: ca, notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY),
    });
    const wrongName = await issueCert({ subject: 'CN=api.elsewhere.example', issuer: ca });
    const cases: Array<[TestCert | undefined, string[]]> = [
      [stranger, untrusted],
      [expired, untrusted],
      [wrongName, ['no chain matching all constraints could be found for this login certificate']],
      [undefined, ['client certificate must be supplied']],
    ];
    for (const [cert, errors] of cases) {
      const res = await call(t, 'POST', 'auth/cert/login', cert ? { cert: cert.pem, key: cert.keyPem, body: {} } : { body: {} });
      assert.equal(res.status, 400, cert?.subject ?? 'no certificate');
      assert.deepEqual(res.body, { errors });
    }
  } finally {
    await t.close();
  }
});

test('cert: a plain-HTTP listener has no client certificate to offer', async () => {
  const t = await startTestServer();
  try {
    assert.equal((await t.client.raw('POST', 'sys/auth/cert', { type: 'cert' })).status, 204);
    const res = await fetch(`${t.server.address}/v1/auth/cert/login`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { errors: ['client certificate must be supplied'] });
  } finally {
    await t.close();
  }
});

test('cert: renew-self presents the login certificate again; refused without it, after a CA change, once the role is gone', async () => {
  const { t, root, ca } = await world();
  try {
    const leaf = await issueCert({ subject: 'CN=api.clients.example', issuer: ca });
    const tls = { cert: leaf.pem, key: leaf.keyPem };
    const login = await call(t, 'POST', 'auth/cert/login', { ...tls, body: {} });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const token = (login.body as LoginBody).auth.client_token;
    const renew = (o: CallOptions = {}): Promise<Reply> => call(t, 'POST', 'auth/token/renew-self', { token, body: { increment: '1h' }, ...o });
    assert.equal((await renew(tls)).status, 200);
    const refused = async (o: CallOptions, message: string): Promise<void> => {
      const res = await renew(o);
      assert.equal(res.status, 400, message);
      assert.deepEqual(res.body, { errors: [message] });
    };
    await refused({}, 'client certificate must be supplied');
    const sibling = await issueCert({ subject: 'CN=web.clients.example', issuer: ca });
    await refused({ cert: sibling.pem, key: sibling.keyPem }, 'client identity during renewal not matching client identity used during login');

    const newCa = await issueCert({ subject: 'CN=Next Client CA', ca: true });
    assert.equal((await call(t, 'PUT', 'auth/cert/certs/web', { token: root, body: { certificate: newCa.pem } })).status, 204);
    await refused(tls, 'invalid certificate or no client certificate supplied');
    assert.equal((await call(t, 'PUT', 'auth/cert/certs/web', { token: root, body: { certificate: ca.pem } })).status, 204);
    assert.equal((await renew(tls)).status, 200);

    // disable_binding: no certificate needed on renewal, the role is still checked.
    assert.equal((await call(t, 'PUT', 'auth/cert/config', { token: root, body: { disable_binding: true } })).status, 204);
    assert.equal((await renew()).status, 200);
    assert.equal((await call(t, 'DELETE', 'auth/cert/certs/web', { token: root })).status, 204);
    await refused(tls, 'role "web" does not exist during renewal');
  } finally {
    await t.close();
  }
});

test('cert: a mount at a nested path prefixes the display name with it', async () => {
  const { t, root, ca } = await world();
  try {
    assert.equal((await call(t, 'POST', 'sys/auth/tls/clients', { token: root, body: { type: 'cert' } })).status, 204);
    assert.equal((await call(t, 'PUT', 'auth/tls/clients/certs/api', { token: root, body: { certificate: ca.pem } })).status, 204);
    const leaf = await issueCert({ subject: 'CN=api.clients.example', issuer: ca });
    const login = await call(t, 'POST', 'auth/tls/clients/login', { cert: leaf.pem, key: leaf.keyPem, body: {} });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const self = await call(t, 'GET', 'auth/token/lookup-self', { token: (login.body as LoginBody).auth.client_token });
    assert.equal((self.body as { data: { display_name: string } }).data.display_name, 'tls-clients-api');
  } finally {
    await t.close();
  }
});
