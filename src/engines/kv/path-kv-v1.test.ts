// KV v1: unversioned read/write/delete/list of arbitrary JSON maps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKvBackend } from './kv-backend.js';
import { buildRequest, createEngineWorld } from './kv-testing.js';

test('v1 is the default: write any JSON map, read it back, overwrite, delete', async () => {
  const w = createEngineWorld(createKvBackend);
  assert.equal(w.backend.type, 'kv');
  assert.equal(w.backend.id, 'secrets.kv');
  const secret = { user: 'u', nested: { list: [1, 'two'], ok: true }, n: 3 };
  assert.deepEqual(await w.call('create', 'app/db', secret), {});
  assert.deepEqual(await w.data('read', 'app/db'), secret);
  await w.call('update', 'app/db', { only: 'this' });
  assert.deepEqual(await w.data('read', 'app/db'), { only: 'this' });
  assert.deepEqual(await w.call('delete', 'app/db'), {});
  assert.equal(await w.call('read', 'app/db'), undefined);
  assert.deepEqual(await w.call('delete', 'app/db'), {});
});

test('v1 refuses an empty body as Vault does ("missing data fields"); unknown fields are data', async () => {
  const w = createEngineWorld(createKvBackend, { version: '1' });
  const err = await w.fail('create', 'empty', {});
  assert.equal(err.status, 400);
  assert.equal(err.message, 'missing data fields');
  assert.equal(await w.call('read', 'empty'), undefined);
  assert.deepEqual(await w.call('create', 'odd', { bogus: true }), {});
  assert.deepEqual(await w.data('read', 'odd'), { bogus: true });
});

test('v1 list: keys and folders, 404 when empty', async () => {
  const w = createEngineWorld(createKvBackend);
  for (const p of ['a/x', 'a/y/z', 'b']) await w.call('create', p, { v: 1 });
  assert.deepEqual(await w.data('list', ''), { keys: ['a/', 'b'] });
  assert.deepEqual(await w.data('list', 'a/'), { keys: ['x', 'y/'] });
  assert.equal(await w.call('list', 'nothing/'), undefined);
});

test('v1 path hygiene: .., empty segments and long paths are 400', async () => {
  const w = createEngineWorld(createKvBackend);
  for (const p of ['a/../b', 'a//b', '/a', 'a/', '', 'x'.repeat(1025)]) {
    assert.equal((await w.fail('create', p, { v: 1 })).status, 400, p);
  }
  assert.equal((await w.fail('read', 'a/../b')).status, 400);
});

test('v1 existence check', async () => {
  const w = createEngineWorld(createKvBackend);
  const req = buildRequest('update', 'e', {});
  assert.equal(await w.handler.exists(req), false);
  await w.call('create', 'e', { v: 1 });
  assert.equal(await w.handler.exists(req), true);
});
