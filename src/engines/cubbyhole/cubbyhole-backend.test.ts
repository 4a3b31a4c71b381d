// Cubbyhole: per-token isolation, the no-token error, and dropping a token's data on revoke.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngineWorld } from '../kv/kv-testing.js';
import { createCubbyholeBackend } from './cubbyhole-backend.js';

const alice = { tokenKey: 'tk_alice' };
const bob = { tokenKey: 'tk_bob' };

test('each token sees only its own keys', async () => {
  const w = createEngineWorld(createCubbyholeBackend);
  assert.equal(w.backend.id, 'secrets.cubbyhole');
  assert.equal(w.backend.type, 'cubbyhole');
  await w.call('create', 'note', { v: 'alice' }, alice);
  await w.call('create', 'dir/x', { v: 1 }, alice);
  await w.call('create', 'note', { v: 'bob' }, bob);
  assert.deepEqual(await w.data('read', 'note', {}, alice), { v: 'alice' });
  assert.deepEqual(await w.data('read', 'note', {}, bob), { v: 'bob' });
  assert.equal(await w.call('read', 'dir/x', {}, bob), undefined);
  assert.deepEqual(await w.data('list', '', {}, alice), { keys: ['dir/', 'note'] });
  assert.deepEqual(await w.data('list', '', {}, bob), { keys: ['note'] });
  await w.call('delete', 'note', {}, bob);
  assert.deepEqual(await w.data('read', 'note', {}, alice), { v: 'alice' });
});

test('no token is 400 "client token empty"; traversal is 400', async () => {
  const w = createEngineWorld(createCubbyholeBackend);
  const err = await w.fail('read', 'note');
  assert.equal(err.status, 400);
  assert.equal(err.message, 'client token empty');
  assert.equal((await w.fail('read', '../tk_bob/note', {}, alice)).status, 400);
});

test('onTokenRevoked drops that token\'s whole subtree and nothing else', async () => {
  const w = createEngineWorld(createCubbyholeBackend);
  for (const p of ['a', 'b/c', 'b/d/e']) await w.call('create', p, { v: 1 }, alice);
  await w.call('create', 'a', { v: 2 }, bob);
  await w.backend.onTokenRevoked?.('tk_alice');
  assert.equal(await w.call('list', '', {}, alice), undefined);
  assert.equal(await w.call('read', 'b/d/e', {}, alice), undefined);
  assert.deepEqual(await w.data('read', 'a', {}, bob), { v: 2 });
  assert.deepEqual(await w.storage.scan(''), ['token/tk_bob/a']);
  await w.backend.onTokenRevoked?.('tk_nobody');
});
