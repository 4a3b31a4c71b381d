// The KV v1 → v2 upgrade a v2 backend runs before serving: v1 data written through a v1
// backend becomes version 1 of each path on the same storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKvBackend } from './kv-backend.js';
import { buildRequest, createEngineWorld } from './kv-testing.js';
import { BackendHandler } from '../../framework/backend-handler.js';
import type { BackendEnv } from '../../framework/backend.js';
import { silentLogger } from '../../lib/logger.js';
import { upgradeFromV1 } from './upgrade-from-v1.js';

test('a v2 backend over v1 data moves each secret to version 1 of its path', async () => {
  const v1 = createEngineWorld(createKvBackend, { version: '1' });
  await v1.call('create', 'app/db', { user: 'u', pass: 'p' });
  await v1.call('create', 'top', { a: 1 });
  const env: BackendEnv = {
    storage: v1.storage, clock: v1.clock, logger: silentLogger, options: { version: '2' }, mountPoint: 'secret/',
    mountAccessor: 'kv_test', config: () => ({ defaultLeaseTtl: 0, maxLeaseTtl: 0 }),
  };
  const v2 = createKvBackend(env);
  await v2.initialize?.();
  const handler = new BackendHandler(v2, env);
  const read = await handler.handle(buildRequest('read', 'data/app/db', {}));
  assert.deepEqual(read?.data?.['data'], { user: 'u', pass: 'p' });
  const meta = (await handler.handle(buildRequest('read', 'metadata/top', {})))?.data;
  assert.equal(meta?.['current_version'], 1);
  assert.equal(meta?.['oldest_version'], 1);
  assert.deepEqual((await handler.handle(buildRequest('list', 'metadata/', {})))?.data, { keys: ['app/', 'top'] });
  assert.deepEqual(await v1.storage.scan('kv/'), []);
  // Running it again (a restart, another node) finds nothing left to move.
  assert.equal(await upgradeFromV1(v1.storage, () => v1.clock.now()), 0);
});

test('a path that already has v2 metadata keeps it and gets the v1 data as its next version', async () => {
  const w = createEngineWorld(createKvBackend, { version: '2' });
  await w.call('create', 'data/k', { data: { v: 2 } });
  await w.storage.put('kv/k', new TextEncoder().encode(JSON.stringify({ v: 1 })));
  assert.equal(await upgradeFromV1(w.storage, () => w.clock.now()), 1);
  assert.deepEqual((await w.data('read', 'data/k'))['data'], { v: 1 });
  assert.deepEqual((await w.data('read', 'data/k', { version: 1 }))['data'], { v: 2 });
});
