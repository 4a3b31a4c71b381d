// KV v2 `data/`: happy paths, check-and-set, patch, soft delete, pruning and concurrency,
// through the framework's BackendHandler on in-memory storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKvBackend } from './kv-backend.js';
import { buildRequest, createEngineWorld, mergePatchHeaders } from './kv-testing.js';
import type { EngineWorld } from './kv-testing.js';

const T0 = '2026-01-01T00:00:00.000Z';
const v2 = (): EngineWorld => createEngineWorld(createKvBackend, { version: '2' });

test('write then read the current version with its metadata', async () => {
  const w = v2();
  const written = await w.data('create', 'data/app/db', { data: { user: 'u', pass: 'p' } });
  assert.deepEqual(written, { created_time: T0, custom_metadata: null, deletion_time: '', destroyed: false, version: 1 });
  const read = await w.data('read', 'data/app/db');
  assert.deepEqual(read, { data: { user: 'u', pass: 'p' }, metadata: written });
});

test('each write adds a version; ?version= reads an older one', async () => {
  const w = v2();
  await w.call('create', 'data/k', { data: { n: 1 } });
  w.clock.advance(1000);
  const second = await w.data('update', 'data/k', { data: { n: 2 } });
  assert.equal(second['version'], 2);
  assert.equal(second['created_time'], '2026-01-01T00:00:01.000Z');
  assert.deepEqual((await w.data('read', 'data/k'))['data'], { n: 2 });
  assert.deepEqual((await w.data('read', 'data/k', { version: '1' }))['data'], { n: 1 });
  assert.equal(await w.call('read', 'data/k', { version: '9' }), undefined);
  // Vault: version 0 or below is the current version.
  assert.deepEqual((await w.data('read', 'data/k', { version: '0' }))['data'], { n: 2 });
  assert.deepEqual((await w.data('read', 'data/k', { version: '-1' }))['data'], { n: 2 });
});

test('an empty data object is a valid version; a missing one is 400', async () => {
  const w = v2();
  assert.equal((await w.data('create', 'data/e', { data: {} }))['version'], 1);
  assert.deepEqual((await w.data('read', 'data/e'))['data'], {});
  const err = await w.fail('create', 'data/e', {});
  assert.equal(err.status, 400);
  assert.equal(err.message, 'no data provided');
});

test('missing key reads as undefined (404 with empty errors)', async () => {
  const w = v2();
  assert.equal(await w.call('read', 'data/nope'), undefined);
});

test('bad field types and bad paths are 400', async () => {
  const w = v2();
  assert.equal((await w.fail('read', 'data/k', { version: 'abc' })).status, 400);
  assert.equal((await w.fail('create', 'data/k', { data: 5 })).status, 400);
  assert.equal((await w.fail('create', 'data/k', { data: { a: 1 }, options: { cas: 'x' } })).status, 400);
  assert.equal((await w.fail('create', 'data/a//b', { data: { a: 1 } })).status, 400);
  assert.equal((await w.fail('create', 'data/a/../b', { data: { a: 1 } })).status, 400);
  assert.equal((await w.fail('create', 'data/a//', { data: { a: 1 } })).status, 400);
  assert.equal((await w.fail('create', `data/${'x'.repeat(1025)}`, { data: { a: 1 } })).status, 400);
});

test('a read of a folder path (trailing slash) or of no key is 404, as in Vault; a bad folder is 400', async () => {
  const w = v2();
  await w.call('create', 'data/app/db', { data: { a: 1 } });
  assert.equal(await w.call('read', 'data/app/'), undefined);
  assert.equal(await w.call('read', 'data/app/db/'), undefined);
  assert.equal(await w.call('read', 'data/'), undefined);
  assert.equal((await w.fail('read', 'data/a//')).status, 400);
  assert.equal((await w.fail('read', 'data/../')).status, 400);
  // A write or delete of a folder path names no secret either: 404 (Vault's data/ route does
  // not match it), never a secret named like a folder; a bad folder is still 400.
  assert.equal((await w.fail('create', 'data/app/', { data: { a: 1 } })).status, 404);
  assert.equal((await w.fail('delete', 'data/app/')).status, 404);
  assert.equal((await w.fail('create', 'data/a//', { data: { a: 1 } })).status, 400);
});

test('check-and-set: 0 creates only, N must match the current version', async () => {
  const w = v2();
  await w.call('create', 'data/c', { data: { a: 1 }, options: { cas: 0 } });
  const again = await w.fail('update', 'data/c', { data: { a: 2 }, options: { cas: 0 } });
  assert.equal(again.status, 400);
  assert.equal(again.message, 'check-and-set parameter did not match the current version');
  assert.equal((await w.data('update', 'data/c', { data: { a: 2 }, options: { cas: '1' } }))['version'], 2);
});

test('cas_required from the mount config or the key metadata', async () => {
  const w = v2();
  await w.call('update', 'config', { cas_required: true });
  const err = await w.fail('create', 'data/x', { data: { a: 1 } });
  assert.equal(err.status, 400);
  assert.equal(err.message, 'check-and-set parameter required for this call');
  await w.call('create', 'data/x', { data: { a: 1 }, options: { cas: 0 } });

  const w2 = v2();
  await w2.call('create', 'data/y', { data: { a: 1 } });
  await w2.call('update', 'metadata/y', { cas_required: true });
  assert.equal((await w2.fail('update', 'data/y', { data: { a: 2 } })).message, 'check-and-set parameter required for this call');
  assert.equal((await w2.data('update', 'data/y', { data: { a: 2 }, options: { cas: 1 } }))['version'], 2);
});

test('concurrent writers with the same cas: exactly one wins', async () => {
  const w = v2();
  await w.call('create', 'data/race', { data: { n: 0 } });
  const writers = Array.from({ length: 12 }, (_, i) => w.call('update', 'data/race', { data: { n: i + 1 }, options: { cas: 1 } }));
  const results = await Promise.allSettled(writers);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  assert.equal(results.filter((r) => r.status === 'rejected').length, 11);
  const meta = await w.data('read', 'metadata/race');
  assert.equal(meta['current_version'], 2);
});

test('concurrent writers without cas lose nothing: every write gets its own version', async () => {
  const w = v2();
  await Promise.all(Array.from({ length: 8 }, (_, i) => w.call('update', 'data/many', { data: { n: i } })));
  const meta = await w.data('read', 'metadata/many');
  assert.equal(meta['current_version'], 8);
  assert.equal(Object.keys(meta['versions'] as object).length, 8);
});

test('patch merges into the current version (RFC 7386) as a new version', async () => {
  const w = v2();
  await w.call('create', 'data/p', { data: { a: 1, b: { c: 2, d: 3 }, gone: 'x' } });
  const res = await w.data('patch', 'data/p', { data: { b: { c: 20 }, gone: null, e: 'new' } }, { headers: mergePatchHeaders });
  assert.equal(res['version'], 2);
  assert.deepEqual((await w.data('read', 'data/p'))['data'], { a: 1, b: { c: 20, d: 3 }, e: 'new' });
});

test('patch: wrong content type 415, missing key 404, deleted current version 404 with metadata, cas enforced', async () => {
  const w = v2();
  await w.call('create', 'data/p', { data: { a: 1 } });
  const media = await w.fail('patch', 'data/p', { data: { a: 2 } }, { headers: { 'content-type': 'application/json' } });
  assert.equal(media.status, 415);
  assert.equal((await w.fail('patch', 'data/none', { data: { a: 2 } }, { headers: mergePatchHeaders })).status, 404);
  const cas = await w.fail('patch', 'data/p', { data: { a: 2 }, options: { cas: 5 } }, { headers: mergePatchHeaders });
  assert.equal(cas.message, 'check-and-set parameter did not match the current version');
  await w.call('delete', 'data/p');
  const gone = await w.fail('patch', 'data/p', { data: { a: 2 } }, { headers: mergePatchHeaders });
  assert.equal(gone.status, 404);
  assert.deepEqual(gone.errors, []);
  assert.equal(gone.data?.['version'], 1);
  assert.equal(gone.data?.['deletion_time'], T0);
});

test('delete soft-deletes the latest version: read is 404 with metadata, older versions stay', async () => {
  const w = v2();
  await w.call('create', 'data/d', { data: { n: 1 } });
  await w.call('create', 'data/d', { data: { n: 2 } });
  w.clock.advance(5000);
  assert.deepEqual(await w.call('delete', 'data/d'), {});
  const err = await w.fail('read', 'data/d');
  assert.equal(err.status, 404);
  assert.deepEqual(err.errors, []);
  assert.deepEqual(err.data, {
    data: null,
    metadata: { created_time: T0, custom_metadata: null, deletion_time: '2026-01-01T00:00:05.000Z', destroyed: false, version: 2 },
  });
  assert.deepEqual((await w.data('read', 'data/d', { version: 1 }))['data'], { n: 1 });
  assert.deepEqual(await w.call('delete', 'data/never'), {});
});

test('max_versions prunes the oldest versions and their data', async () => {
  const w = v2();
  await w.call('update', 'config', { max_versions: 3 });
  for (let i = 1; i <= 5; i++) await w.call('create', 'data/pr', { data: { i } });
  const meta = await w.data('read', 'metadata/pr');
  assert.deepEqual(Object.keys(meta['versions'] as object).sort(), ['3', '4', '5']);
  assert.equal(meta['oldest_version'], 3);
  assert.equal(meta['current_version'], 5);
  assert.equal(await w.call('read', 'data/pr', { version: 2 }), undefined);
  const stored = await w.storage.scan('ver/');
  assert.equal(stored.length, 3);
  // A key keeps the larger of its own and the mount's max_versions (Vault's AddVersion).
  await w.call('update', 'metadata/pr', { max_versions: 1 });
  await w.call('create', 'data/pr', { data: { i: 6 } });
  assert.deepEqual(Object.keys((await w.data('read', 'metadata/pr'))['versions'] as object).sort(), ['4', '5', '6']);
  await w.call('update', 'metadata/pr', { max_versions: 4 });
  await w.call('create', 'data/pr', { data: { i: 7 } });
  assert.deepEqual(Object.keys((await w.data('read', 'metadata/pr'))['versions'] as object).sort(), ['4', '5', '6', '7']);
  await w.call('update', 'config', { max_versions: 0 });
  await w.call('update', 'metadata/pr', { max_versions: 1 });
  await w.call('create', 'data/pr', { data: { i: 8 } });
  assert.deepEqual(Object.keys((await w.data('read', 'metadata/pr'))['versions'] as object), ['8']);
  assert.equal((await w.storage.scan('ver/')).length, 1);
});

test('default max_versions is 10', async () => {
  const w = v2();
  for (let i = 1; i <= 12; i++) await w.call('create', 'data/ten', { data: { i } });
  const meta = await w.data('read', 'metadata/ten');
  assert.equal(Object.keys(meta['versions'] as object).length, 10);
  assert.equal(meta['oldest_version'], 3);
});

test('delete_version_after schedules deletion at write time', async () => {
  const w = v2();
  await w.call('update', 'config', { delete_version_after: '1h' });
  const res = await w.data('create', 'data/t', { data: { a: 1 } });
  assert.equal(res['deletion_time'], '2026-01-01T01:00:00.000Z');
  w.clock.advance(3599_000);
  assert.deepEqual((await w.data('read', 'data/t'))['data'], { a: 1 });
  w.clock.advance(1000);
  assert.equal((await w.fail('read', 'data/t')).status, 404);
});

test('a negative mount delete_version_after disables the key setting too; undelete reschedules', async () => {
  const w = v2();
  await w.call('update', 'metadata/t', { delete_version_after: '10s' });
  assert.equal((await w.data('create', 'data/t', { data: { a: 1 } }))['deletion_time'], '2026-01-01T00:00:10.000Z');
  w.clock.advance(11_000);
  assert.equal((await w.fail('read', 'data/t')).status, 404);
  // Vault: undelete sets deletion_time to now + delete_version_after again.
  await w.call('update', 'undelete/t', { versions: [1] });
  const back = await w.data('read', 'data/t');
  assert.equal((back['metadata'] as Record<string, unknown>)['deletion_time'], '2026-01-01T00:00:21.000Z');
  await w.call('update', 'config', { delete_version_after: '-1s' });
  assert.equal((await w.data('read', 'config'))['delete_version_after'], '-1s');
  assert.equal((await w.data('create', 'data/t', { data: { a: 2 } }))['deletion_time'], '');
  await w.call('update', 'config', { delete_version_after: -30 });
  assert.equal((await w.data('read', 'config'))['delete_version_after'], '-1s');
  await w.call('update', 'config', { delete_version_after: 0 });
  assert.equal((await w.data('read', 'config'))['delete_version_after'], '0s');
  assert.equal((await w.fail('update', 'config', { delete_version_after: '-soon' })).status, 400);
});

test('existence check follows the key metadata', async () => {
  const w = v2();
  const req = buildRequest('update', 'data/ex', {});
  assert.equal(await w.handler.exists(req), false);
  await w.call('create', 'data/ex', { data: { a: 1 } });
  assert.equal(await w.handler.exists(req), true);
});

test('unknown body fields are ignored with a warning', async () => {
  const w = v2();
  const res = await w.call('create', 'data/w', { data: { a: 1 }, bogus: true });
  assert.match(res?.warnings?.[0] ?? '', /bogus/);
});
