// KV v2 `delete/`, `undelete/`, `destroy/` (versions), `config` and `subkeys/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKvBackend } from './kv-backend.js';
import { createEngineWorld } from './kv-testing.js';
import type { EngineWorld } from './kv-testing.js';
import { subkeysOf } from './path-subkeys.js';

const v2 = async (): Promise<EngineWorld> => {
  const w = createEngineWorld(createKvBackend, { version: '2' });
  for (let i = 1; i <= 3; i++) await w.call('create', 'data/v', { data: { i } });
  return w;
};

test('delete/ soft-deletes listed versions; undelete/ restores them', async () => {
  const w = await v2();
  assert.deepEqual(await w.call('update', 'delete/v', { versions: [1, 2] }), {});
  assert.equal((await w.fail('read', 'data/v', { version: 1 })).status, 404);
  assert.equal((await w.fail('read', 'data/v', { version: 2 })).status, 404);
  assert.deepEqual((await w.data('read', 'data/v'))['data'], { i: 3 });
  await w.call('update', 'undelete/v', { versions: '1,2,99' });
  assert.deepEqual((await w.data('read', 'data/v', { version: 1 }))['data'], { i: 1 });
  const meta = await w.data('read', 'metadata/v');
  assert.deepEqual((meta['versions'] as Record<string, Record<string, unknown>>)['2'], {
    created_time: '2026-01-01T00:00:00.000Z', deletion_time: '', destroyed: false,
  });
});

test('destroy/ removes the data for good: read is 404 with destroyed metadata, undelete cannot help', async () => {
  const w = await v2();
  await w.call('update', 'destroy/v', { versions: [3] });
  const err = await w.fail('read', 'data/v');
  assert.equal(err.status, 404);
  assert.deepEqual((err.data?.['metadata'] as Record<string, unknown>)['destroyed'], true);
  assert.equal(err.data?.['data'], null);
  await w.call('update', 'undelete/v', { versions: [3] });
  assert.equal((await w.fail('read', 'data/v')).status, 404);
  assert.equal((await w.storage.scan('ver/')).length, 2);
});

test('undelete/ of a live version reschedules it by delete_version_after from now (Vault)', async () => {
  const w = await v2();
  await w.call('update', 'metadata/v', { delete_version_after: '1m' });
  w.clock.advance(5_000);
  await w.call('update', 'undelete/v', { versions: [2] });
  const meta = await w.data('read', 'metadata/v');
  const versions = meta['versions'] as Record<string, Record<string, unknown>>;
  assert.equal(versions['2']?.['deletion_time'], '2026-01-01T00:01:05.000Z');
  assert.equal(versions['1']?.['deletion_time'], '');
});

test('versions are required and must be positive integers; missing key is a no-op', async () => {
  const w = await v2();
  for (const route of ['delete', 'undelete', 'destroy']) {
    const err = await w.fail('update', `${route}/v`, {});
    assert.equal(err.status, 400);
    // Vault's own wording differs by route.
    assert.equal(err.message, route === 'destroy' ? 'no version number provided' : 'No version number provided');
    assert.equal((await w.fail('update', `${route}/v`, { versions: ['x'] })).status, 400);
    assert.equal((await w.fail('update', `${route}/v`, { versions: [0] })).status, 400);
    assert.deepEqual(await w.call('update', `${route}/none`, { versions: [1] }), {});
  }
});

test('config: defaults, partial writes, read back', async () => {
  const w = createEngineWorld(createKvBackend, { version: '2' });
  assert.deepEqual(await w.data('read', 'config'), { cas_required: false, delete_version_after: '0s', max_versions: 0 });
  await w.call('update', 'config', { max_versions: 7 });
  await w.call('update', 'config', { delete_version_after: 3600 });
  assert.deepEqual(await w.data('read', 'config'), { cas_required: false, delete_version_after: '1h0m0s', max_versions: 7 });
  assert.equal((await w.fail('update', 'config', { max_versions: 'many' })).status, 400);
});

test('subkeys/ replaces values by null, honours depth and version, 404s like data/', async () => {
  const w = createEngineWorld(createKvBackend, { version: '2' });
  await w.call('create', 'data/s', { data: { a: 1, b: { c: 'x', d: { e: true } }, f: [1, 2] } });
  await w.call('create', 'data/s', { data: { z: 1 } });
  const all = await w.data('read', 'subkeys/s', { version: '1' });
  assert.deepEqual(all['subkeys'], { a: null, b: { c: null, d: { e: null } }, f: null });
  assert.equal((all['metadata'] as Record<string, unknown>)['version'], 1);
  assert.deepEqual((await w.data('read', 'subkeys/s', { version: 1, depth: 1 }))['subkeys'], { a: null, b: null, f: null });
  assert.deepEqual((await w.data('read', 'subkeys/s', { version: 1, depth: '2' }))['subkeys'], { a: null, b: { c: null, d: null }, f: null });
  assert.deepEqual((await w.data('read', 'subkeys/s'))['subkeys'], { z: null });
  assert.deepEqual((await w.data('read', 'subkeys/s', { version: 1, depth: -1 }))['subkeys'], { a: null, b: null, f: null });
  assert.deepEqual((await w.data('read', 'subkeys/s', { version: -3 }))['subkeys'], { z: null });
  assert.equal(await w.call('read', 'subkeys/none'), undefined);
  await w.call('delete', 'data/s');
  const err = await w.fail('read', 'subkeys/s');
  assert.equal(err.status, 404);
  assert.equal(err.data?.['subkeys'], null);
  assert.deepEqual(subkeysOf({}, 0), {});
  // Vault walks only non-empty objects: an empty one is a leaf.
  assert.deepEqual(subkeysOf({ e: {}, n: { m: {} } }, 0), { e: null, n: { m: null } });
});

test('an unknown kv version is refused at mount time', () => {
  assert.throws(() => createEngineWorld(createKvBackend, { version: '3' }), /unsupported kv version/);
});
