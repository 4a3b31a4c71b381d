// HTTP end-to-end: KV v2 and v1 through the real listener, Vault's wire conventions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startTestServer } from './start-test-server.js';

/** Sends a raw request with the LIST verb, as node-vault and the Vault CLI can. */
function listVerb(address: string, path: string, token: string): Promise<{ status: number; body: unknown }> {
  const url = new URL(address);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: 'LIST', path: `/v1/${path}`, headers: { 'X-Vault-Token': token } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('KV v2: write, read, versions, list (GET ?list and LIST verb), delete, undelete, destroy', async () => {
  const t = await startTestServer();
  try {
    const c = t.client;
    const w1 = await c.write('secret/data/app/db', { data: { password: 'one' } });
    assert.equal((w1.body as { data: { version: number } }).data.version, 1);
    await c.write('secret/data/app/db', { data: { password: 'two' }, options: { cas: 1 } });
    const r = await c.read('secret/data/app/db');
    const body = r.body as { data: { data: { password: string }; metadata: { version: number } }; request_id: string; lease_id: string; renewable: boolean; lease_duration: number; wrap_info: null; warnings: null; auth: null };
    assert.equal(body.data.data.password, 'two');
    assert.equal(body.data.metadata.version, 2);
    assert.equal(body.lease_id, '');
    assert.equal(body.auth, null);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const v1 = await c.read('secret/data/app/db?version=1');
    assert.equal((v1.body as { data: { data: { password: string } } }).data.data.password, 'one');

    const listed = await c.list('secret/metadata/app');
    assert.deepEqual((listed.body as { data: { keys: string[] } }).data.keys, ['db']);
    const verb = await listVerb(t.server.address, 'secret/metadata/', t.server.rootToken);
    assert.equal(verb.status, 200);
    assert.deepEqual((verb.body as { data: { keys: string[] } }).data.keys, ['app/']);

    const cas = await c.raw('PUT', 'secret/data/app/db', { data: { password: 'x' }, options: { cas: 1 } });
    assert.equal(cas.status, 400);

    assert.equal((await c.raw('DELETE', 'secret/data/app/db')).status, 204);
    const deleted = await c.raw('GET', 'secret/data/app/db');
    assert.equal(deleted.status, 404);
    assert.equal(typeof (deleted.body as { data: { metadata: { deletion_time: string } } }).data.metadata.deletion_time, 'string');
    await c.write('secret/undelete/app/db', { versions: [2] });
    assert.equal((await c.raw('GET', 'secret/data/app/db')).status, 200);
    await c.write('secret/destroy/app/db', { versions: [2] });
    assert.equal((await c.raw('GET', 'secret/data/app/db')).status, 404);

    const missing = await c.raw('GET', 'secret/data/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { errors: [] });
  } finally {
    await t.close();
  }
});

test('KV v2 patch needs application/merge-patch+json (else 415)', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('secret/data/p', { data: { a: '1', b: '2' } });
    const wrong = await t.client.raw('PATCH', 'secret/data/p', { data: { a: '9' } });
    assert.equal(wrong.status, 415);
    const ok = await t.client.raw('PATCH', 'secret/data/p', { data: { a: '9', b: null } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(ok.status, 200);
    const r = await t.client.read('secret/data/p');
    assert.deepEqual((r.body as { data: { data: unknown } }).data.data, { a: '9' });
  } finally {
    await t.close();
  }
});

test('KV v2: GET of data/ or metadata/ with a trailing slash is 404 with empty errors (Vault), never 400', async () => {
  const t = await startTestServer();
  try {
    await t.client.write('secret/data/x/y', { data: { a: '1' } });
    for (const path of ['secret/data/x/', 'secret/metadata/x/', 'secret/data/x/y/', 'secret/metadata/x/y/']) {
      const res = await t.client.raw('GET', path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(res.body, { errors: [] }, path);
    }
    // The key itself still reads, and a malformed folder is still refused.
    assert.equal((await t.client.raw('GET', 'secret/data/x/y')).status, 200);
    assert.equal((await t.client.raw('GET', 'secret/data/x//')).status, 400);
  } finally {
    await t.close();
  }
});

test('KV v1 mount: enable, write, read, list, delete, disable', async () => {
  const t = await startTestServer();
  try {
    const c = t.client;
    await c.write('sys/mounts/kv1', { type: 'kv', options: { version: '1' } });
    const mounts = (await c.read('sys/mounts')).body as { data: Record<string, { type: string; options: Record<string, string> }> };
    assert.equal(mounts.data['kv1/']?.type, 'kv');
    await c.write('kv1/team/a', { user: 'u', n: 3 });
    assert.deepEqual(((await c.read('kv1/team/a')).body as { data: unknown }).data, { user: 'u', n: 3 });
    assert.deepEqual(((await c.list('kv1/team')).body as { data: { keys: string[] } }).data.keys, ['a']);
    await c.delete('kv1/team/a');
    assert.equal((await c.raw('GET', 'kv1/team/a')).status, 404);
    await c.delete('sys/mounts/kv1');
    assert.equal((await c.raw('GET', 'kv1/team/a')).status, 404);
  } finally {
    await t.close();
  }
});

test("KV v1 reads carry Vault's refresh hint: a ttl key, else the mount's default lease TTL; no lease", async () => {
  const t = await startTestServer();
  try {
    const c = t.client;
    await c.write('sys/mounts/kv1', { type: 'kv', options: { version: '1' }, config: { default_lease_ttl: '2h' } });
    await c.write('kv1/plain', { user: 'u' });
    await c.write('kv1/hinted', { user: 'u', ttl: '30m' });
    type Envelope = { lease_id: string; renewable: boolean; lease_duration: number; data: Record<string, unknown> };
    const plain = (await c.read('kv1/plain')).body as Envelope;
    assert.equal(plain.lease_duration, 7200);
    assert.equal(plain.lease_id, '');
    assert.equal(plain.renewable, false);
    const hinted = (await c.read('kv1/hinted')).body as Envelope;
    assert.equal(hinted.lease_duration, 1800);
    assert.deepEqual(hinted.data, { user: 'u', ttl: '30m' });
    // Cubbyhole gives no hint.
    await c.write('cubbyhole/x', { ttl: '1h' });
    assert.equal(((await c.read('cubbyhole/x')).body as Envelope).lease_duration, 0);
  } finally {
    await t.close();
  }
});

test('KV v2: writes, patches and deletes of a folder path (trailing slash) answer as Vault, never a folder-named secret', async () => {
  const t = await startTestServer();
  try {
    const c = t.client;
    await c.write('secret/data/x/y', { data: { a: '1' } });
    const patch = { 'Content-Type': 'application/merge-patch+json' };
    // data/ does not match a trailing '/' in Vault: 404 for write, patch and delete.
    for (const [method, path, body, headers] of [
      ['POST', 'secret/data/x/', { data: { a: '2' } }, {}],
      ['POST', 'secret/data/x/y/', { data: { a: '2' } }, {}],
      ['PATCH', 'secret/data/x/y/', { data: { a: '2' } }, patch],
      ['DELETE', 'secret/data/x/', undefined, {}],
      // metadata/ patch and subkeys/ find no metadata for the folder key: 404.
      ['PATCH', 'secret/metadata/x/', { max_versions: 3 }, patch],
      ['GET', 'secret/subkeys/x/', undefined, {}],
    ] as const) {
      const res = await c.raw(method, path, body, headers);
      assert.equal(res.status, 404, `${method} ${path}`);
    }
    // delete/, undelete/, destroy/ and metadata/ DELETE of a folder key change nothing: 204.
    for (const path of ['secret/delete/x/', 'secret/undelete/x/', 'secret/destroy/x/']) {
      assert.equal((await c.raw('POST', path, { versions: [1] })).status, 204, path);
      assert.equal((await c.raw('POST', path, {})).status, 400, `${path} without versions`);
    }
    assert.equal((await c.raw('DELETE', 'secret/metadata/x/')).status, 204);
    // Nothing was written or removed: the secret under the folder is intact, no key "x/" exists.
    const read = (await c.raw('GET', 'secret/data/x/y')).body as { data: { data: Record<string, string>; metadata: { version: number } } };
    assert.deepEqual(read.data.data, { a: '1' });
    assert.equal(read.data.metadata.version, 1);
    assert.deepEqual(((await c.list('secret/metadata/')).body as { data: { keys: string[] } }).data.keys, ['x/']);
    // A malformed folder stays 400 on every family.
    assert.equal((await c.raw('POST', 'secret/data/x//', { data: { a: '2' } })).status, 400);
    assert.equal((await c.raw('POST', 'secret/destroy/x//', { versions: [1] })).status, 400);
  } finally {
    await t.close();
  }
});
