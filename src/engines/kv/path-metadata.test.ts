// KV v2 `metadata/`: read, write, patch, delete, list, and custom_metadata validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKvBackend } from './kv-backend.js';
import { createEngineWorld, mergePatchHeaders } from './kv-testing.js';
import type { EngineWorld } from './kv-testing.js';

const T0 = '2026-01-01T00:00:00.000Z';
const v2 = (): EngineWorld => createEngineWorld(createKvBackend, { version: '2' });

test('read returns the full metadata with the versions map', async () => {
  const w = v2();
  await w.call('create', 'data/m', { data: { a: 1 } });
  w.clock.advance(2000);
  await w.call('create', 'data/m', { data: { a: 2 } });
  assert.deepEqual(await w.data('read', 'metadata/m'), {
    cas_required: false,
    created_time: T0,
    current_version: 2,
    custom_metadata: null,
    delete_version_after: '0s',
    max_versions: 0,
    oldest_version: 0,
    updated_time: '2026-01-01T00:00:02.000Z',
    versions: {
      '1': { created_time: T0, deletion_time: '', destroyed: false },
      '2': { created_time: '2026-01-01T00:00:02.000Z', deletion_time: '', destroyed: false },
    },
  });
  assert.equal(await w.call('read', 'metadata/none'), undefined);
});

test('write sets settings, creating the metadata when needed; only given fields change', async () => {
  const w = v2();
  assert.deepEqual(await w.call('create', 'metadata/s', { max_versions: 5, delete_version_after: '90m', custom_metadata: { owner: 'ops' } }), {});
  let meta = await w.data('read', 'metadata/s');
  assert.equal(meta['max_versions'], 5);
  assert.equal(meta['delete_version_after'], '1h30m0s');
  assert.deepEqual(meta['custom_metadata'], { owner: 'ops' });
  assert.equal(meta['current_version'], 0);
  await w.call('update', 'metadata/s', { cas_required: true });
  meta = await w.data('read', 'metadata/s');
  assert.equal(meta['cas_required'], true);
  assert.equal(meta['max_versions'], 5);
  // custom_metadata appears in data responses.
  const written = await w.data('create', 'data/s', { data: { a: 1 }, options: { cas: 0 } });
  assert.deepEqual(written['custom_metadata'], { owner: 'ops' });
  // An empty custom_metadata reads as null, as Vault's does.
  await w.call('update', 'metadata/s', { custom_metadata: {} });
  assert.equal((await w.data('read', 'metadata/s'))['custom_metadata'], null);
  assert.equal((await w.data('read', 'data/s'))['metadata'] !== undefined, true);
  assert.equal(((await w.data('read', 'data/s'))['metadata'] as Record<string, unknown>)['custom_metadata'], null);
  // No settings given: nothing is created.
  await w.call('update', 'metadata/empty', {});
  assert.equal(await w.call('read', 'metadata/empty'), undefined);
});

test('custom_metadata is validated with Vault limits and messages', async () => {
  const w = v2();
  const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
  const tooMany = await w.fail('update', 'metadata/c', { custom_metadata: many });
  assert.equal(tooMany.status, 400);
  assert.equal(tooMany.message, 'custom_metadata validation failed: payload must contain at most 64 keys, provided 65');
  const longKey = await w.fail('update', 'metadata/c', { custom_metadata: { ['k'.repeat(129)]: 'v' } });
  assert.match(longKey.message, /length of key .* is 129 but must be 0 < len\(key\) <= 128/);
  const longValue = await w.fail('update', 'metadata/c', { custom_metadata: { k: 'v'.repeat(513) } });
  assert.match(longValue.message, /length of value for key "k" is 513 but must be 0 < len\(value\) <= 512/);
  const both = await w.fail('update', 'metadata/c', { custom_metadata: { k: '', 'a\u0001': 'x' } });
  assert.equal(both.errors.length, 2);
  assert.equal((await w.fail('update', 'metadata/c', { custom_metadata: { k: { nested: 1 } } })).status, 400);
  assert.equal((await w.fail('update', 'metadata/c', { max_versions: -1 })).status, 400);
  assert.equal((await w.fail('update', 'metadata/c', { delete_version_after: 'soon' })).status, 400);
  assert.equal(await w.call('read', 'metadata/c'), undefined);
  await w.call('update', 'metadata/c', { custom_metadata: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v'])) });
});

test('patch merges settings and custom_metadata (null removes a key); 404 and 415 cases', async () => {
  const w = v2();
  await w.call('update', 'metadata/p', { max_versions: 4, custom_metadata: { a: '1', b: '2' } });
  await w.call('patch', 'metadata/p', { cas_required: true, custom_metadata: { a: null, c: '3' } }, { headers: mergePatchHeaders });
  const meta = await w.data('read', 'metadata/p');
  assert.equal(meta['max_versions'], 4);
  assert.equal(meta['cas_required'], true);
  assert.deepEqual(meta['custom_metadata'], { b: '2', c: '3' });
  assert.equal((await w.fail('patch', 'metadata/none', { max_versions: 1 }, { headers: mergePatchHeaders })).status, 404);
  assert.equal((await w.fail('patch', 'metadata/p', { max_versions: 1 })).status, 415);
});

test('cas_required=false under a cas-required mount warns', async () => {
  const w = v2();
  await w.call('update', 'config', { cas_required: true });
  const res = await w.call('update', 'metadata/x', { cas_required: false });
  assert.match(res?.warnings?.[0] ?? '', /mandated by backend config/);
});

test('delete removes metadata and every version', async () => {
  const w = v2();
  await w.call('create', 'data/gone', { data: { a: 1 } });
  await w.call('create', 'data/gone', { data: { a: 2 } });
  await w.call('create', 'data/gone/child', { data: { a: 3 } });
  assert.deepEqual(await w.call('delete', 'metadata/gone'), {});
  assert.equal(await w.call('read', 'metadata/gone'), undefined);
  assert.equal(await w.call('read', 'data/gone', { version: 1 }), undefined);
  assert.deepEqual((await w.data('read', 'data/gone/child'))['data'], { a: 3 });
  assert.equal((await w.storage.scan('ver/')).length, 1);
  assert.deepEqual(await w.call('delete', 'metadata/never'), {});
});

test('list shows keys and folders; empty folder is undefined (404)', async () => {
  const w = v2();
  for (const p of ['app/db', 'app/api', 'app/nested/x', 'top']) await w.call('create', `data/${p}`, { data: { a: 1 } });
  assert.deepEqual(await w.data('list', 'metadata/'), { keys: ['app/', 'top'] });
  assert.deepEqual(await w.data('list', 'metadata/app/'), { keys: ['api', 'db', 'nested/'] });
  assert.deepEqual(await w.data('list', 'metadata/app'), { keys: ['api', 'db', 'nested/'] });
  assert.equal(await w.call('list', 'metadata/nothing/'), undefined);
  assert.equal((await w.fail('list', 'metadata/a//')).status, 400);
  // A soft-deleted key still lists (its metadata exists), as in Vault.
  await w.call('delete', 'data/top');
  assert.deepEqual(await w.data('list', 'metadata/'), { keys: ['app/', 'top'] });
});

test('LIST metadata without a trailing slash lists the root; a read of it names no key: 404', async () => {
  const w = v2();
  await w.call('create', 'data/k', { data: { a: 1 } });
  assert.deepEqual(await w.data('list', 'metadata'), { keys: ['k'] });
  assert.equal(await w.call('read', 'metadata'), undefined);
  assert.equal(await w.call('read', 'metadata/'), undefined);
  // Writes still need a key.
  assert.equal((await w.fail('create', 'metadata/', { max_versions: 2 })).message, 'missing path');
});

test('a read of a folder path (trailing slash) is 404, as in Vault; a bad folder is 400', async () => {
  const w = v2();
  await w.call('create', 'data/app/db', { data: { a: 1 } });
  assert.equal(await w.call('read', 'metadata/app/'), undefined);
  assert.equal(await w.call('read', 'metadata/app/db/'), undefined);
  assert.equal((await w.fail('read', 'metadata/a//')).status, 400);
  assert.equal((await w.fail('read', 'metadata/a/../')).status, 400);
});

test('list with exclude_deleted leaves out keys whose current version is deleted or destroyed', async () => {
  const w = v2();
  for (const k of ['live', 'gone', 'burnt', 'dir/x']) await w.call('create', `data/${k}`, { data: { a: 1 } });
  await w.call('create', 'metadata/empty', { max_versions: 3 });
  await w.call('delete', 'data/gone');
  await w.call('update', 'destroy/burnt', { versions: [1] });
  assert.deepEqual(await w.data('list', 'metadata/'), { keys: ['burnt', 'dir/', 'empty', 'gone', 'live'] });
  assert.deepEqual(await w.data('list', 'metadata/', { exclude_deleted: true }), { keys: ['dir/', 'empty', 'live'] });
  await w.call('delete', 'data/dir/x');
  assert.equal(await w.call('list', 'metadata/dir/', { exclude_deleted: 'true' }), undefined);
});
