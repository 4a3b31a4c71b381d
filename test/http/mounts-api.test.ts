// HTTP end-to-end: sys/mounts options and tune, the KV v1 → v2 upgrade by tune,
// sys/remount with its status, and sys/internal/ui/mounts/:path refusals, checked against
// Vault's behaviour (vault/logical_system.go, the kv plugin's upgrade).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from './start-test-server.js';

interface Envelope {
  data: Record<string, unknown> | null;
  warnings: string[] | null;
}

test('kv-v1 alias and weakly typed options; tune upgrades v1 to v2 keeping the data, refuses a downgrade', async () => {
  const t = await startTestServer();
  try {
    const c = t.client;
    assert.equal((await c.raw('POST', 'sys/mounts/old', { type: 'kv-v1' })).status, 204);
    assert.deepEqual(((await c.raw('GET', 'sys/mounts/old')).body as Envelope).data?.['options'], { version: '1' });
    // node-vault and hvac users send {"version": 2} as a number.
    assert.equal((await c.raw('POST', 'sys/mounts/num', { type: 'kv', options: { version: 2 } })).status, 204);
    const num = (await c.raw('GET', 'sys/mounts/num/tune')).body as Envelope;
    assert.deepEqual(num.data?.['options'], { version: '2' });

    await c.write('old/app/db', { password: 'p1' });
    await c.write('old/top', { a: '1' });
    const bad = await c.raw('POST', 'sys/mounts/old/tune', { options: { version: 3 } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { errors: ['invalid version provided: 3'] });

    const up = await c.raw('POST', 'sys/mounts/old/tune', { options: { version: '2' } });
    assert.equal(up.status, 200);
    assert.match((up.body as Envelope).warnings?.[0] ?? '', /^Upgrading mount from version 1 to version 2\./);
    const read = await c.raw('GET', 'old/data/app/db');
    assert.equal(read.status, 200);
    assert.deepEqual((read.body as { data: { data: unknown } }).data.data, { password: 'p1' });
    const meta = (await c.raw('GET', 'old/metadata/top')).body as { data: { current_version: number; oldest_version: number } };
    assert.equal(meta.data.current_version, 1);
    assert.equal(meta.data.oldest_version, 1);

    const down = await c.raw('POST', 'sys/mounts/old/tune', { options: { version: '1' } });
    assert.equal(down.status, 400);
    assert.deepEqual(down.body, { errors: ['cannot downgrade mount from version 2'] });
    assert.equal((await c.raw('GET', 'old/data/app/db')).status, 200);

    // Other options are upserted; an empty value removes one.
    await c.write('sys/mounts/old/tune', { options: { team: 'ops' } });
    assert.deepEqual(((await c.raw('GET', 'sys/mounts/old/tune')).body as Envelope).data?.['options'], { version: '2', team: 'ops' });
    await c.write('sys/mounts/old/tune', { options: { team: '' } });
    assert.deepEqual(((await c.raw('GET', 'sys/mounts/old/tune')).body as Envelope).data?.['options'], { version: '2' });
    assert.equal((await c.raw('POST', 'sys/mounts/old/tune', { options: { team: { nested: true } } })).status, 400);
  } finally {
    await t.close();
  }
});

test('tune round-trips listing_visibility; options appear in tune only when set', async () => {
  const t = await startTestServer();
  try {
    const c = t.client;
    await c.write('sys/mounts/plain', { type: 'kv' });
    const before = (await c.raw('GET', 'sys/mounts/plain/tune')).body as Envelope;
    assert.equal(Object.prototype.hasOwnProperty.call(before.data, 'options'), false);
    assert.equal(Object.prototype.hasOwnProperty.call(before.data, 'listing_visibility'), false);
    assert.equal((await c.raw('POST', 'sys/mounts/plain/tune', { listing_visibility: 'unauth' })).status, 204);
    assert.equal(((await c.raw('GET', 'sys/mounts/plain/tune')).body as Envelope).data?.['listing_visibility'], 'unauth');
    const described = (await c.raw('GET', 'sys/mounts/plain')).body as Envelope;
    assert.equal((described.data?.['config'] as Record<string, unknown>)['listing_visibility'], 'unauth');
    const bad = await c.raw('POST', 'sys/mounts/plain/tune', { listing_visibility: 'everyone' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { errors: ['invalid listing_visibility everyone'] });
    await c.write('sys/mounts/plain/tune', { listing_visibility: '' });
    assert.equal(Object.prototype.hasOwnProperty.call(((await c.raw('GET', 'sys/mounts/plain/tune')).body as Envelope).data, 'listing_visibility'), false);
  } finally {
    await t.close();
  }
});

test('options: {} for a mount enabled without any (secret engine or auth method), null only on the built-in mounts', async () => {
  const t = await startTestServer();
  try {
    const c = t.client;
    await c.write('sys/mounts/plain', { type: 'kv' });
    await c.write('sys/mounts/empty', { type: 'kv', options: {} });
    await c.write('sys/auth/up', { type: 'userpass' });
    const one = (await c.raw('GET', 'sys/mounts/plain')).body as Envelope;
    assert.deepEqual(one.data?.['options'], {});
    const mounts = ((await c.raw('GET', 'sys/mounts')).body as Envelope).data as Record<string, { options: unknown }>;
    assert.deepEqual(mounts['plain/']?.options, {});
    assert.deepEqual(mounts['empty/']?.options, {});
    for (const builtin of ['sys/', 'cubbyhole/', 'identity/']) assert.equal(mounts[builtin]?.options, null, builtin);
    const auths = ((await c.raw('GET', 'sys/auth')).body as Envelope).data as Record<string, { options: unknown }>;
    assert.deepEqual(auths['up/']?.options, {});
    assert.equal(auths['token/']?.options, null);
  } finally {
    await t.close();
  }
});

test('sys/remount answers a migration id whose status is success; the moved KV mount keeps its data', async () => {
  const t = await startTestServer();
  try {
    const c = t.client;
    await c.write('sys/mounts/src', { type: 'kv', options: { version: '2' } });
    await c.write('src/data/k', { data: { v: 'x' } });
    const moved = await c.raw('POST', 'sys/remount', { from: 'src', to: 'dst' });
    assert.equal(moved.status, 200);
    const id = ((moved.body as Envelope).data as { migration_id: string }).migration_id;
    const status = await c.raw('GET', `sys/remount/status/${id}`);
    assert.equal(status.status, 200);
    assert.deepEqual((status.body as Envelope).data, {
      migration_id: id,
      migration_info: { source_mount: 'src/', target_mount: 'dst/', status: 'success' },
    });
    assert.deepEqual(((await c.raw('GET', 'dst/data/k')).body as { data: { data: unknown } }).data.data, { v: 'x' });
    const unknown = await c.raw('GET', 'sys/remount/status/00000000-0000-0000-0000-000000000000');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { errors: [] });
  } finally {
    await t.close();
  }
});

test('sys/mounts and sys/auth repeat their data at the top level, as Vault does for its legacy sys routes', async () => {
  const t = await startTestServer();
  try {
    const mounts = (await t.client.raw('GET', 'sys/mounts')).body as Record<string, unknown> & Envelope;
    assert.deepEqual(mounts['secret/'], mounts.data?.['secret/']);
    assert.equal(typeof mounts['request_id'], 'string');
    const auths = (await t.client.raw('GET', 'sys/auth')).body as Record<string, unknown> & Envelope;
    assert.deepEqual(auths['token/'], auths.data?.['token/']);
    const one = (await t.client.raw('GET', 'sys/mounts/secret')).body as Record<string, unknown>;
    assert.equal(one['type'], 'kv');
    // KV reads do not.
    await t.client.write('secret/data/k', { data: { type: 'x' } });
    assert.equal(Object.prototype.hasOwnProperty.call((await t.client.raw('GET', 'secret/data/k')).body, 'metadata'), false);
  } finally {
    await t.close();
  }
});

test('a missing mount is reported in Vault\'s words (Terraform matches them)', async () => {
  const t = await startTestServer();
  try {
    const cases: Array<[string, string, string]> = [
      ['GET', 'sys/mounts/gone', 'No secret engine mount at gone/'],
      ['GET', 'sys/auth/gone', 'No auth engine at gone/'],
      ['GET', 'sys/mounts/gone/tune', 'cannot fetch sysview for path "gone/"'],
      ['POST', 'sys/auth/gone/tune', 'tune of path "auth/gone/" failed: no mount entry found'],
      // Vault's untunableMounts.
      ['POST', 'sys/mounts/cubbyhole/tune', 'cannot tune "cubbyhole/"'],
      ['POST', 'sys/mounts/sys/tune', 'cannot tune "sys/"'],
      ['POST', 'sys/mounts/identity/tune', 'cannot tune "identity/"'],
    ];
    for (const [method, path, message] of cases) {
      const res = await t.client.raw(method as 'GET' | 'POST', path, method === 'POST' ? { description: 'x' } : undefined);
      assert.equal(res.status, 400, path);
      assert.deepEqual(res.body, { errors: [message] }, path);
    }
  } finally {
    await t.close();
  }
});

test('sys/internal/ui/mounts/:path: no mount and a hidden mount are the same 403 as in Vault', async () => {
  const t = await startTestServer();
  try {
    const c = t.client;
    const none = await c.raw('GET', 'sys/internal/ui/mounts/nowhere/x');
    assert.equal(none.status, 403);
    assert.deepEqual(none.body, {
      errors: ['preflight capability check returned 403, please ensure client\'s policies grant access to path "nowhere/x/"'],
    });
    const found = await c.raw('GET', 'sys/internal/ui/mounts/secret/data/a/b');
    assert.equal(found.status, 200);
    assert.equal((found.body as Envelope).data?.['path'], 'secret/');
  } finally {
    await t.close();
  }
});
