import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepFreeze } from '../../lib/deep-freeze.js';
import { isShared } from '../../lib/shared-value.js';
import type { Storage } from '../../storage/storage.js';
import { createEngineWorld } from './kv-testing.js';
import { readVersion } from './read-version.js';
import { createKvBackend } from './kv-backend.js';

/**
 * The mount's storage with a parsed-entry cache as the barrier's read cache gives it
 * (frozen, shared values); `forget` drops entries as a write through the barrier would.
 */
function cachedStorage(view: Storage): { storage: Storage; forget: (prefix: string) => void } {
  const cache = new Map<string, unknown>();
  const getShared = async <T>(key: string, parse: (bytes: Uint8Array) => T): Promise<T | undefined> => {
    if (!cache.has(key)) {
      const bytes = await view.get(key);
      cache.set(key, bytes === undefined ? undefined : deepFreeze(parse(bytes)));
    }
    return cache.get(key) as T | undefined;
  };
  const storage = new Proxy(view, {
    get(target, prop) {
      if (prop === 'getShared') return getShared;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { storage, forget: (prefix) => [...cache.keys()].filter((k) => k.startsWith(prefix)).forEach((k) => cache.delete(k)) };
}

test('a version read from shared entries answers one shared body until an entry changes', async () => {
  const world = createEngineWorld(createKvBackend, { version: '2' });
  const { storage, forget } = cachedStorage(world.storage);
  await world.call('update', 'data/app', { data: { password: 'p1' } });
  const first = await readVersion(storage, 'app', 0, world.clock.now());
  assert.equal(first.kind, 'live');
  const again = await readVersion(storage, 'app', 0, world.clock.now());
  assert.ok(first.kind === 'live' && again.kind === 'live');
  assert.equal(again.body, first.body, 'the same answer object');
  assert.ok(isShared(first.body));
  assert.deepEqual(first.body, { data: { password: 'p1' }, metadata: first.metadata });

  // The metadata alone is rewritten (custom metadata): the data entry is the same object,
  // the answer is not.
  await world.call('update', 'metadata/app', { custom_metadata: { owner: 'ops' } });
  forget('meta/');
  const retagged = await readVersion(storage, 'app', 0, world.clock.now());
  assert.ok(retagged.kind === 'live');
  assert.equal(retagged.data, first.data);
  assert.notEqual(retagged.body, first.body);
  assert.deepEqual(retagged.metadata['custom_metadata'], { owner: 'ops' });

  // A new version, then the old one by number: each its own answer, none stale.
  await world.call('update', 'data/app', { data: { password: 'p2' } });
  forget('');
  const v2 = await readVersion(storage, 'app', 0, world.clock.now());
  const v1 = await readVersion(storage, 'app', 1, world.clock.now());
  assert.ok(v2.kind === 'live' && v1.kind === 'live');
  assert.deepEqual([v2.body['data'], v2.metadata['version']], [{ password: 'p2' }, 2]);
  assert.deepEqual([v1.body['data'], v1.metadata['version']], [{ password: 'p1' }, 1]);

  // Without a shared cache (a transaction's view, PostgreSQL) every read builds its own.
  const plain1 = await readVersion(world.storage, 'app', 0, world.clock.now());
  const plain2 = await readVersion(world.storage, 'app', 0, world.clock.now());
  assert.ok(plain1.kind === 'live' && plain2.kind === 'live');
  assert.notEqual(plain1.body, plain2.body);
  assert.equal(isShared(plain1.body), false);
});

test('a soft-deleted version is gone even while its answer is remembered', async () => {
  const world = createEngineWorld(createKvBackend, { version: '2' });
  const { storage, forget } = cachedStorage(world.storage);
  await world.call('update', 'data/app', { data: { password: 'p1' } });
  assert.equal((await readVersion(storage, 'app', 0, world.clock.now())).kind, 'live');
  await world.call('update', 'delete/app', { versions: [1] });
  forget('meta/');
  assert.equal((await readVersion(storage, 'app', 0, world.clock.now())).kind, 'gone');
});
