// sys/wrapping/* through the framework's BackendHandler, with a real WrappingManager and
// token store on in-memory storage; the pipeline's wrapping step is applied as the core does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaError } from '../lib/errors.js';
import { silentLogger } from '../lib/logger.js';
import { StorageView } from '../storage/storage-view.js';
import { BackendHandler } from '../framework/backend-handler.js';
import type { LogicalRequest, Operation } from '../framework/logical.js';
import type { CoreResponse } from '../core/core-response.js';
import { createWrappingWorld } from '../core/wrapping/wrapping-testing.js';
import { wrapCoreResponse } from '../core/wrapping/wrap-core-response.js';
import { INVALID_WRAPPING_TOKEN } from '../core/wrapping/wrapping-manager.js';
import { wrappingPaths } from './path-wrapping.js';

function setup() {
  const world = createWrappingWorld();
  const env = {
    storage: new StorageView(world.physical, 'sys/'), clock: world.clock, logger: silentLogger, options: {},
    mountPoint: 'sys/', mountAccessor: 'system_1', config: () => ({ defaultLeaseTtl: 0, maxLeaseTtl: 0 }),
  };
  const handler = new BackendHandler({ id: 'system', type: 'system', kind: 'system', paths: wrappingPaths(() => world.manager) }, env);
  let n = 0;
  /** One request through the handler and the wrapping step, as the core runs it. */
  const call = async (op: Operation, rel: string, data: Record<string, unknown> = {}, opts: { token?: string; wrapTtl?: number } = {}): Promise<CoreResponse | undefined> => {
    n += 1;
    const req: LogicalRequest = {
      id: `req-${n}`, operation: op, path: `sys/${rel}`, data, headers: {}, remoteAddress: '127.0.0.1', clientToken: opts.token ?? '',
      mountPoint: 'sys/', mountType: 'system', mountAccessor: 'system_1', relativePath: rel, auth: undefined, wrapTtl: opts.wrapTtl ?? 0,
    };
    const res = await handler.handle(req);
    const out: CoreResponse | undefined = res === undefined ? undefined : res.raw ? { raw: res.raw } : { data: res.data, mountType: 'system' };
    return wrapCoreResponse(world.manager, out, req);
  };
  const fail = async (...args: Parameters<typeof call>): Promise<ArcaError> => {
    try {
      await call(...args);
    } catch (err) {
      if (err instanceof ArcaError) return err;
      throw err;
    }
    throw new Error('expected a failure');
  };
  return { ...world, call, fail };
}

function rawJson(out: CoreResponse | undefined): Record<string, unknown> {
  assert.ok(out?.raw, 'a raw body');
  assert.equal(out.raw.contentType, 'application/json');
  return JSON.parse(String(out.raw.body)) as Record<string, unknown>;
}

test('sys/wrapping/wrap needs a wrap TTL and wraps the body; unwrap by body token returns it once', async () => {
  const w = setup();
  const err = await w.fail('update', 'wrapping/wrap', { a: 'b' });
  assert.equal(err.status, 400);
  assert.equal(err.message, 'endpoint requires response wrapping to be used');

  const wrapped = await w.call('update', 'wrapping/wrap', { password: 'hunter2', n: 3 }, { wrapTtl: 300 });
  const info = wrapped?.wrapInfo;
  assert.ok(info);
  assert.equal(wrapped?.data, undefined);
  assert.equal(info.creation_path, 'sys/wrapping/wrap');
  assert.equal(info.ttl, 300);

  const body = rawJson(await w.call('update', 'wrapping/unwrap', { token: info.token }));
  assert.deepEqual(body['data'], { password: 'hunter2', n: 3 });
  assert.equal(body['wrap_info'], null);
  const again = await w.fail('update', 'wrapping/unwrap', { token: info.token });
  assert.equal(again.status, 400);
  assert.equal(again.message, INVALID_WRAPPING_TOKEN);
});

test('unwrap and lookup accept the wrapping token as the request token', async () => {
  const w = setup();
  const info = (await w.call('update', 'wrapping/wrap', { k: 'v' }, { wrapTtl: 60 }))?.wrapInfo;
  assert.ok(info);
  const looked = await w.call('read', 'wrapping/lookup', {}, { token: info.token });
  assert.deepEqual(looked?.data, { creation_path: 'sys/wrapping/wrap', creation_time: info.creation_time, creation_ttl: 60 });
  const viaBody = await w.call('update', 'wrapping/lookup', { token: info.token });
  assert.deepEqual(viaBody?.data, looked?.data);
  assert.deepEqual(rawJson(await w.call('update', 'wrapping/unwrap', {}, { token: info.token }))['data'], { k: 'v' });
  assert.equal((await w.fail('update', 'wrapping/lookup', { token: info.token })).message, INVALID_WRAPPING_TOKEN);
});

test('a missing token is a 400 that names the field', async () => {
  const w = setup();
  for (const path of ['wrapping/unwrap', 'wrapping/lookup', 'wrapping/rewrap']) {
    const err = await w.fail('update', path, {});
    assert.equal(err.status, 400);
    assert.equal(err.message, 'missing "token" value in input');
  }
});

test('sys/wrapping/rewrap answers with the new wrap_info only; the old token is spent', async () => {
  const w = setup();
  const first = (await w.call('update', 'wrapping/wrap', { s: 'x' }, { wrapTtl: 90 }))?.wrapInfo;
  assert.ok(first);
  const out = await w.call('update', 'wrapping/rewrap', { token: first.token });
  const second = out?.wrapInfo;
  assert.ok(second);
  assert.equal(out?.data, undefined);
  assert.equal(second.ttl, 90);
  assert.equal(second.creation_path, 'sys/wrapping/wrap');
  assert.equal((await w.fail('update', 'wrapping/unwrap', { token: first.token })).message, INVALID_WRAPPING_TOKEN);
  assert.deepEqual(rawJson(await w.call('update', 'wrapping/unwrap', { token: second.token }))['data'], { s: 'x' });
});

test('an expired wrapping token is refused with the same 400', async () => {
  const w = setup();
  const info = (await w.call('update', 'wrapping/wrap', { s: 'x' }, { wrapTtl: 5 }))?.wrapInfo;
  assert.ok(info);
  w.clock.advance(5_000);
  assert.equal((await w.fail('update', 'wrapping/unwrap', { token: info.token })).message, INVALID_WRAPPING_TOKEN);
});
