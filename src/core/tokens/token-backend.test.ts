import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/logger.js';
import { InmemPhysical } from '../../storage/inmem/inmem-physical.js';
import type { StorageView } from '../../storage/storage-view.js';
import { BackendHandler } from '../../framework/backend-handler.js';
import type { LogicalRequest, Operation } from '../../framework/logical.js';
import { LeaseManager } from '../leases/lease-manager.js';
import { createTokenBackend } from './token-backend.js';
import type { TokenBackendResponse } from './token-backend.js';
import { TokenStore } from './token-store.js';
import type { TokenEntry } from './token-entry.js';

async function world() {
  const storage = new InmemPhysical();
  const clock = new FakeClock();
  const leases = new LeaseManager({ storage, clock, revoker: { renew: async () => undefined, revoke: async () => undefined } });
  const store = new TokenStore({ storage, clock, leases });
  const handler = new BackendHandler(createTokenBackend(store, leases), {
    storage: undefined as unknown as StorageView, clock, logger: silentLogger, options: {},
    mountPoint: 'auth/token/', mountAccessor: 'auth_token_1', config: () => ({ defaultLeaseTtl: 768 * 3600, maxLeaseTtl: 768 * 3600 }),
  });
  const root = await store.createRoot();
  /** Calls the backend as the pipeline would once `token` is resolved. */
  const call = async (token: string, operation: Operation, path: string, data: Record<string, unknown> = {}, resolved?: TokenEntry) => {
    const entry = resolved ?? (await store.lookup(token));
    const req: LogicalRequest = {
      id: 'r', operation, path: `auth/token/${path}`, data, headers: {}, remoteAddress: '127.0.0.1', clientToken: token,
      mountPoint: 'auth/token/', mountType: 'token', mountAccessor: 'auth_token_1', relativePath: path,
      auth: entry ? store.toRequestAuth(entry) : undefined, wrapTtl: 0,
    };
    return (await handler.handle(req)) as TokenBackendResponse | undefined;
  };
  return { store, clock, handler, root, call };
}

const is = (status: number, pattern?: RegExp) => (e: unknown) =>
  e instanceof ArcaError && e.status === status && (pattern === undefined || pattern.test(e.message));

test('create returns Vault\'s auth block; lookup-self and lookup show the token', async () => {
  const { root, call } = await world();
  const res = await call(root.token, 'update', 'create', { policies: ['dev'], ttl: '1h', meta: { app: 'x' }, display_name: 'ci' });
  const auth = res?.tokenAuth;
  assert.ok(auth);
  assert.match(auth.client_token, /^hvs\./);
  assert.deepEqual(auth.policies, ['default', 'dev']);
  assert.deepEqual(auth.token_policies, ['default', 'dev']);
  assert.equal(auth.lease_duration, 3600);
  assert.equal(auth.renewable, true);
  assert.equal(auth.orphan, false);
  assert.equal(auth.token_type, 'service');
  assert.deepEqual(auth.metadata, { app: 'x' });
  const self = await call(auth.client_token, 'read', 'lookup-self');
  assert.equal(self?.data?.['id'], auth.client_token);
  assert.equal(self?.data?.['display_name'], 'token-ci');
  assert.equal(self?.data?.['path'], 'auth/token/create');
  const other = await call(root.token, 'update', 'lookup', { token: auth.client_token });
  assert.equal(other?.data?.['accessor'], auth.accessor);
  const byAccessor = await call(root.token, 'update', 'lookup-accessor', { accessor: auth.accessor });
  assert.equal(byAccessor?.data?.['id'], '');
  assert.equal(byAccessor?.data?.['ttl'], 3600);
});

test('errors: policy not held is 403, root policy from non-root is 400, orphan without sudo is 403, no token is 403', async () => {
  const { root, call } = await world();
  const dev = (await call(root.token, 'update', 'create', { policies: ['dev'] }))?.tokenAuth?.client_token ?? '';
  await assert.rejects(call(dev, 'update', 'create', { policies: ['admin'] }), is(403, /subset/));
  await assert.rejects(call(dev, 'update', 'create', { policies: ['root'] }), is(400, /root/));
  await assert.rejects(call(dev, 'update', 'create', { no_parent: true }), is(403));
  await assert.rejects(call(dev, 'update', 'create-orphan', {}), is(403));
  await assert.rejects(call(dev, 'update', 'create', { id: 'mine' }), is(400));
  await assert.rejects(call(root.token, 'update', 'create', { type: 'batch' }), is(400, /batch/));
  await assert.rejects(call(root.token, 'update', 'create', { ttl: 'soon' }), is(400));
  await assert.rejects(call('', 'read', 'lookup-self'), is(403));
  await assert.rejects(call(root.token, 'update', 'lookup', { token: 'hvs.unknown' }), is(403, /bad token/));
  await assert.rejects(call(root.token, 'update', 'lookup-accessor', { accessor: 'nope' }), is(400));
  await assert.rejects(call(root.token, 'update', 'revoke-accessor', { accessor: 'nope' }), is(400));
  const orphan = await call(root.token, 'update', 'create-orphan', { policies: ['x'] });
  assert.equal(orphan?.tokenAuth?.orphan, true);
  const custom = await call(root.token, 'update', 'create', { id: 'my-token', policies: ['x'] });
  assert.equal(custom?.tokenAuth?.client_token, 'my-token');
});

test('an expiring root token cannot create a non-expiring one (Vault: 400)', async () => {
  const { root, call } = await world();
  const expiring = (await call(root.token, 'update', 'create', { policies: ['root'], ttl: '1h' }))?.tokenAuth;
  assert.equal(expiring?.lease_duration, 3600);
  await assert.rejects(
    call(expiring?.client_token ?? '', 'update', 'create', { policies: ['root'] }),
    is(400, /^expiring root tokens cannot create non-expiring root tokens$/),
  );
  await assert.rejects(call(expiring?.client_token ?? '', 'update', 'create-orphan', { policies: ['root'] }), is(400));
  const child = (await call(expiring?.client_token ?? '', 'update', 'create', { policies: ['root'], ttl: '10m' }))?.tokenAuth;
  assert.equal(child?.lease_duration, 600);
  const forever = (await call(root.token, 'update', 'create', { policies: ['root'] }))?.tokenAuth;
  assert.equal(forever?.lease_duration, 0);
  assert.equal(forever?.renewable, false);
});

test('a periodic token needs root or sudo (Vault: 400), since it escapes every max TTL', async () => {
  const { root, call } = await world();
  const plain = (await call(root.token, 'update', 'create', { policies: ['p'] }))?.tokenAuth?.client_token ?? '';
  await assert.rejects(call(plain, 'update', 'create', { policies: ['p'], period: '1h' }), is(400, /^root or sudo privileges required to create periodic token$/));
  assert.equal((await call(plain, 'update', 'create', { policies: ['p'], ttl: '1h' }))?.tokenAuth?.lease_duration, 3600);
  assert.equal((await call(root.token, 'update', 'create', { policies: ['p'], period: '1h' }))?.tokenAuth?.lease_duration, 3600);
});

test('renew-accessor renews by accessor and names no token (vault token renew -accessor)', async () => {
  const { root, call, clock } = await world();
  const a = (await call(root.token, 'update', 'create', { policies: ['p'], ttl: '10m' }))?.tokenAuth;
  clock.advance(60_000);
  const res = (await call(root.token, 'update', 'renew-accessor', { accessor: a?.accessor, increment: '1h' }))?.tokenAuth;
  assert.equal(res?.lease_duration, 3600);
  assert.equal(res?.accessor, a?.accessor);
  assert.equal(res?.client_token, '');
  assert.equal((await call(a?.client_token ?? '', 'read', 'lookup-self'))?.data?.['ttl'], 3600);
  await assert.rejects(call(root.token, 'update', 'renew-accessor', { accessor: 'nope' }), is(400, /^invalid accessor$/));
});

test('renew and renew-self extend the ttl; revoke-self, revoke and revoke-accessor end tokens', async () => {
  const { root, call, clock } = await world();
  const create = async (data: Record<string, unknown>) => (await call(root.token, 'update', 'create', data))?.tokenAuth;
  const a = await create({ policies: ['p'], ttl: '10m' });
  clock.advance(300_000);
  assert.equal((await call(root.token, 'update', 'renew', { token: a?.client_token, increment: '1h' }))?.tokenAuth?.lease_duration, 3600);
  assert.equal((await call(a?.client_token ?? '', 'update', 'renew-self', { increment: 60 }))?.tokenAuth?.lease_duration, 60);
  const nr = await create({ policies: ['p'], renewable: false });
  await assert.rejects(call(nr?.client_token ?? '', 'update', 'renew-self', {}), is(400));

  assert.equal(await call(a?.client_token ?? '', 'update', 'revoke-self'), undefined);
  await assert.rejects(call(a?.client_token ?? '', 'read', 'lookup-self'), is(403));
  const b = await create({ policies: ['p'] });
  await call(root.token, 'update', 'revoke', { token: b?.client_token });
  await assert.rejects(call(b?.client_token ?? '', 'read', 'lookup-self'), is(403));
  assert.equal(await call(root.token, 'update', 'revoke', { token: 'hvs.unknown' }), undefined);
  const c = await create({ policies: ['p'] });
  await call(root.token, 'update', 'revoke-accessor', { accessor: c?.accessor });
  await assert.rejects(call(c?.client_token ?? '', 'read', 'lookup-self'), is(403));
});

test('revoke-orphan keeps children; accessors list; tidy answers 202; one-use token can look itself up', async () => {
  const { root, call, store } = await world();
  const parent = (await call(root.token, 'update', 'create', { policies: ['p'] }))?.tokenAuth?.client_token ?? '';
  const child = (await call(parent, 'update', 'create', {}))?.tokenAuth?.client_token ?? '';
  await call(root.token, 'update', 'revoke-orphan', { token: parent });
  assert.equal((await call(child, 'read', 'lookup-self'))?.data?.['orphan'], true);
  // Unlike revoke, revoke-orphan (sudo) says when there is nothing to revoke, as Vault.
  await assert.rejects(call(root.token, 'update', 'revoke-orphan', { token: parent }), is(400, /^token to revoke not found$/));
  const keys = (await call(root.token, 'list', 'accessors/'))?.data?.['keys'];
  assert.ok(Array.isArray(keys) && keys.length === 2);
  assert.equal((await call(root.token, 'update', 'tidy'))?.status, 202);

  const once = (await call(root.token, 'update', 'create', { policies: ['p'], num_uses: 1 }))?.tokenAuth?.client_token ?? '';
  const entry = await store.lookup(once);
  assert.ok(entry);
  const use = await store.use(entry);
  assert.equal(use?.exhausted, true);
  // The request that took the last use still sees its token; nobody else does.
  const self = await call(once, 'read', 'lookup-self', {}, entry);
  assert.equal(self?.data?.['num_uses'], 0);
  await assert.rejects(call(root.token, 'update', 'lookup', { token: once }), is(403, /bad token/));
});
