import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { ArcaError } from '../lib/errors.js';
import type { StorageView } from '../storage/storage-view.js';
import { BackendHandler } from './backend-handler.js';
import { definePath } from './path-spec.js';
import { field } from './field.js';
import type { Backend } from './backend.js';
import type { LogicalRequest, Operation } from './logical.js';

function request(operation: Operation, relativePath: string, data: Record<string, unknown> = {}): LogicalRequest {
  return {
    id: 'r1', operation, path: `t/${relativePath}`, data, headers: {}, remoteAddress: '127.0.0.1', clientToken: '',
    mountPoint: 't/', mountType: 'test', mountAccessor: 'test_1', relativePath, auth: undefined, wrapTtl: 0,
  };
}

const backend: Backend = {
  id: 'secrets.test',
  type: 'test',
  kind: 'secret',
  paths: [
    definePath({
      pattern: 'items/(?<name>[^/]+)',
      fields: { name: field.string().required(), count: field.int(0, 10).default(1), tags: field.strings().optional() },
      operations: {
        read: async ({ fields }) => ({ data: { name: fields.name, count: fields.count, tags: fields.tags ?? null } }),
        update: async ({ fields }) => ({ data: { updated: fields.name } }),
      },
      existenceCheck: async ({ fields }) => fields.name === 'present',
    }),
  ],
};

const handler = new BackendHandler(backend, {
  storage: undefined as unknown as StorageView, clock: new FakeClock(), logger: silentLogger, options: {},
  mountPoint: 't/', mountAccessor: 'test_1', config: () => ({ defaultLeaseTtl: 60, maxLeaseTtl: 120 }),
});

test('captures and body fields are coerced to their declared types', async () => {
  const res = await handler.handle(request('read', 'items/a', { count: '3', tags: 'x, y' }));
  assert.deepEqual(res?.data, { name: 'a', count: 3, tags: ['x', 'y'] });
});

test('defaults apply; bad types are 400; unknown fields are ignored with a warning', async () => {
  assert.equal((await handler.handle(request('read', 'items/a')))?.data?.['count'], 1);
  await assert.rejects(handler.handle(request('read', 'items/a', { count: 11 })), (e: unknown) => e instanceof ArcaError && e.status === 400);
  await assert.rejects(handler.handle(request('read', 'items/a', { count: { x: 1 } })), (e: unknown) => e instanceof ArcaError && e.status === 400);
  const res = await handler.handle(request('update', 'items/a', { zzz: 1 }));
  assert.match(res?.warnings?.[0] ?? '', /zzz/);
});

test('create falls back to update; unsupported operation is 405; unknown path is 404', async () => {
  assert.deepEqual((await handler.handle(request('create', 'items/b')))?.data, { updated: 'b' });
  await assert.rejects(handler.handle(request('delete', 'items/b')), (e: unknown) => e instanceof ArcaError && e.status === 405);
  await assert.rejects(handler.handle(request('read', 'nope')), (e: unknown) => e instanceof ArcaError && e.status === 404);
});

test('existence check decides create vs update', async () => {
  assert.equal(await handler.exists(request('update', 'items/present')), true);
  assert.equal(await handler.exists(request('update', 'items/absent')), false);
  assert.equal(await handler.exists(request('update', 'nope')), undefined);
});
