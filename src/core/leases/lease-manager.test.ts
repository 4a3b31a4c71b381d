import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import { InmemPhysical } from '../../storage/inmem/inmem-physical.js';
import type { ResponseSecret } from '../../framework/logical.js';
import { LeaseManager } from './lease-manager.js';
import type { SecretRevoker } from './lease-manager.js';
import type { LeaseEntry } from './lease-entry.js';

class RecordingRevoker implements SecretRevoker {
  revoked: string[] = [];
  renewed: string[] = [];
  failing = new Set<string>();
  async renew(lease: LeaseEntry): Promise<void> {
    this.renewed.push(lease.leaseId);
  }
  async revoke(lease: LeaseEntry): Promise<void> {
    if (this.failing.has(String(lease.internal['name']))) throw new Error('backend down');
    this.revoked.push(String(lease.internal['name']));
  }
}

function world(batchSize = 100) {
  const storage = new InmemPhysical();
  const clock = new FakeClock();
  const revoker = new RecordingRevoker();
  const leases = new LeaseManager({ storage, clock, revoker, batchSize });
  return { storage, clock, revoker, leases };
}

const mountConfig = { defaultLeaseTtl: 60, maxLeaseTtl: 120 };
const secret = (name: string, ttl = 0, renewable = true): ResponseSecret => ({ type: 'creds', ttl, renewable, internal: { name } });

test('register applies the mount default and max; lookup renders Vault data', async () => {
  const { leases, clock } = world();
  const a = await leases.register({ path: 'db/creds/ro', secret: secret('a'), mountAccessor: 'db_1', tokenKey: 't1', mountConfig });
  assert.match(a.leaseId, /^db\/creds\/ro\/[A-Za-z0-9]{24}$/);
  assert.equal(a.ttl, 60);
  const b = await leases.register({ path: 'db/creds/ro', secret: secret('b', 500), mountAccessor: 'db_1', tokenKey: 't1', mountConfig });
  assert.equal(b.ttl, 120);
  clock.advance(10_000);
  const data = await leases.lookup(a.leaseId);
  assert.equal(data?.ttl, 50);
  assert.equal(data?.last_renewal, null);
  assert.equal(data?.issue_time, '2026-01-01T00:00:00.000Z');
  assert.equal(await leases.lookup('db/creds/ro/nope'), undefined);
  assert.deepEqual(await leases.list('db/creds/'), ['ro/']);
  assert.equal((await leases.list('db/creds/ro/')).length, 2);
});

test('renew goes through the backend and is capped by max ttl from issue', async () => {
  const { leases, clock, revoker } = world();
  const a = await leases.register({ path: 'db/creds/ro', secret: secret('a'), mountAccessor: 'db_1', tokenKey: 't1', mountConfig });
  clock.advance(50_000);
  const { lease, warnings } = await leases.renew(a.leaseId, 100);
  assert.equal(lease.ttl, 70);
  assert.match(warnings[0] ?? '', /capped/);
  assert.deepEqual(revoker.renewed, [a.leaseId]);
  assert.equal((await leases.lookup(a.leaseId))?.ttl, 70);
  // The old expiry entry moved: reaping at the original expiry does nothing.
  clock.advance(20_000);
  assert.equal(await leases.reapExpired(), 0);
  clock.advance(60_000);
  assert.equal(await leases.reapExpired(), 1);

  const n = await leases.register({ path: 'db/creds/ro', secret: secret('n', 0, false), mountAccessor: 'db_1', tokenKey: 't1', mountConfig });
  await assert.rejects(leases.renew(n.leaseId, 10), (e: unknown) => e instanceof ArcaError && e.status === 400);
  await assert.rejects(leases.renew('db/creds/ro/missing', 10), (e: unknown) => e instanceof ArcaError && e.status === 400);
});

test('reaper revokes in expiry order, in bounded batches, only what is due', async () => {
  const { leases, clock, revoker } = world(2);
  for (const [name, ttl] of [['c', 30], ['a', 10], ['d', 100], ['b', 20]] as const) {
    await leases.register({ path: 'db/creds/ro', secret: secret(name, ttl), mountAccessor: 'db_1', tokenKey: '', mountConfig: { defaultLeaseTtl: 60, maxLeaseTtl: 1000 } });
  }
  clock.advance(50_000);
  assert.equal(await leases.reapExpired(2), 2);
  assert.deepEqual(revoker.revoked, ['a', 'b']);
  assert.equal(await leases.reapExpired(10), 1);
  assert.deepEqual(revoker.revoked, ['a', 'b', 'c']);
  assert.equal(await leases.reapExpired(10), 0);
  assert.deepEqual(await leases.list('db/creds/ro/').then((l) => l.length), 1);
});

test('a failed revocation leaves its intent and the reaper retries it after a backoff', async () => {
  const { leases, clock, revoker, storage } = world();
  const a = await leases.register({ path: 'db/creds/ro', secret: secret('a'), mountAccessor: 'db_1', tokenKey: 't1', mountConfig });
  revoker.failing.add('a');
  await assert.rejects(leases.revoke(a.leaseId), (e: unknown) => e instanceof ArcaError && e.status === 500 && !e.message.includes('backend down'));
  assert.ok(await storage.get(`sys/expire/revoking/${a.leaseId}`));
  assert.ok(await leases.get(a.leaseId));
  revoker.failing.clear();
  assert.equal(await leases.reapExpired(), 0, 'not retried before the backoff');
  clock.advance(11_000);
  assert.equal(await leases.reapExpired(), 1);
  assert.deepEqual(revoker.revoked, ['a']);
  assert.equal(await leases.get(a.leaseId), undefined);
  assert.deepEqual(await storage.scan('sys/expire/'), []);
});

test('reaper: a revoker that throws during expiry is retried, not lost', async () => {
  const { leases, clock, revoker, storage } = world();
  const a = await leases.register({ path: 'db/creds/ro', secret: secret('a'), mountAccessor: 'db_1', tokenKey: 't1', mountConfig });
  revoker.failing.add('a');
  clock.advance(61_000);
  assert.equal(await leases.reapExpired(), 0);
  assert.equal((await storage.scan('sys/expire/at/')).length, 0, 'claimed: the at entry is gone');
  assert.ok(await storage.get(`sys/expire/revoking/${a.leaseId}`));
  revoker.failing.clear();
  clock.advance(3_600_000);
  assert.equal(await leases.reapExpired(), 1);
  assert.deepEqual(await storage.scan('sys/expire/'), []);
});

test('revokeByToken, revokePrefix with force, and an unknown lease', async () => {
  const { leases, revoker, storage } = world(2);
  const reg = (name: string, path: string, tokenKey: string) =>
    leases.register({ path, secret: secret(name), mountAccessor: 'm', tokenKey, mountConfig });
  await reg('a', 'db/creds/ro', 't1');
  await reg('b', 'db/creds/ro', 't1');
  await reg('c', 'db/creds/ro', 't1');
  await reg('d', 'db/creds/rw', 't2');
  await reg('e', 'kv2/creds/rw', 't2');
  assert.deepEqual(await leases.revokeByToken('t1'), { revoked: 3, failed: 0 });
  assert.deepEqual(revoker.revoked.sort(), ['a', 'b', 'c']);
  revoker.failing.add('d');
  await assert.rejects(leases.revokePrefix('db/'));
  assert.equal(await leases.revokePrefix('db/', { force: true }), 1);
  assert.deepEqual((await storage.scan('sys/expire/id/')).length, 1);
  assert.equal(await leases.revoke('db/creds/none/x'), false);
});

test('tidy removes dangling index entries and revokes leases of missing tokens', async () => {
  const { leases, storage, revoker } = world();
  const a = await leases.register({ path: 'db/creds/ro', secret: secret('a'), mountAccessor: 'm', tokenKey: 'gone', mountConfig });
  await storage.delete(`sys/expire/id/${a.leaseId}`);
  await leases.register({ path: 'db/creds/ro', secret: secret('b'), mountAccessor: 'm', tokenKey: 'gone', mountConfig });
  leases.setTokenHooks({ revoke: async () => undefined, exists: async () => false });
  const result = await leases.tidy();
  assert.deepEqual(result, { danglingIndexes: 2, orphanLeases: 1 });
  assert.deepEqual(revoker.revoked, ['b']);
  assert.deepEqual(await storage.scan('sys/expire/'), []);
});
