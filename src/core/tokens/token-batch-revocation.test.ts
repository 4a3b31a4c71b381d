// The reaper revokes expired tokens in batches: a pass of N tokens costs O(N / batch)
// transactions, every claimed token is revoked exactly once with its subtree, an intent
// exists before anything is revoked, and a token that fails is retried while the rest of
// its batch succeeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock.js';
import { InmemPhysical } from '../../storage/inmem/inmem-physical.js';
import type { ScanOptions, Storage, Transaction } from '../../storage/storage.js';
import { LeaseManager } from '../leases/lease-manager.js';
import type { LeaseEntry } from '../leases/lease-entry.js';
import { TokenStore } from './token-store.js';
import type { TokenEntry } from './token-entry.js';

/** The real in-memory storage, counting transactions; `failing(n)` fails the n-th one. */
class CountingStorage implements Storage {
  transactions = 0;
  failing: (n: number) => boolean = () => false;
  constructor(readonly inner: Storage = new InmemPhysical()) {}
  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }
  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }
  scan(prefix: string, options?: ScanOptions): Promise<string[]> {
    return this.inner.scan(prefix, options);
  }
  put(key: string, value: Uint8Array): Promise<void> {
    return this.inner.put(key, value);
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    this.transactions++;
    if (this.failing(this.transactions)) return Promise.reject(new Error('storage unavailable'));
    return this.inner.transaction(fn);
  }
}

const config = { defaultLeaseTtl: 60, maxLeaseTtl: 3600 };

function node(storage: Storage, clock: FakeClock, batchSize: number, onRevoked: (tokenKey: string) => Promise<void>) {
  const revokedLeases: string[] = [];
  const leases = new LeaseManager({
    storage, clock, batchSize,
    revoker: { renew: async () => undefined, revoke: async (l: LeaseEntry) => void revokedLeases.push(l.leaseId) },
  });
  const tokens = new TokenStore({ storage, clock, leases, batchSize, config: () => config, onRevoked });
  return { leases, tokens, revokedLeases };
}

function world(batchSize = 10) {
  const storage = new CountingStorage();
  const clock = new FakeClock();
  const revoked: string[] = [];
  let failing = new Set<string>();
  const n = node(storage, clock, batchSize, async (k) => {
    if (failing.has(k)) throw new Error('hook failed');
    revoked.push(k);
  });
  return { storage, clock, revoked, ...n, failOn: (keys: string[]) => (failing = new Set(keys)) };
}

async function keysUnder(storage: Storage, prefix: string): Promise<string[]> {
  return storage.scan(prefix);
}

test('a pass of N expired tokens costs O(N / batch) transactions and revokes each token once', async () => {
  const { storage, clock, tokens, leases, revoked } = world(10);
  const root = await tokens.createRoot();
  const minted = [];
  for (let i = 0; i < 45; i++) minted.push((await tokens.create({ policies: ['p'], orphan: true }, root.entry)).entry.id);
  clock.advance(61_000);
  storage.transactions = 0;
  assert.equal(await leases.reapExpired(1000), 45);
  // 5 claims (the last finds the end of what is due) + 5 record deletions; no retries due.
  assert.ok(storage.transactions <= 10, `${storage.transactions} transactions for 45 tokens`);
  assert.deepEqual([...revoked].sort(), [...minted].sort());
  assert.equal(leases.stats().reaped, 45);
  assert.deepEqual(await keysUnder(storage, 'sys/expire/'), []);
  assert.deepEqual(await keysUnder(storage, 'sys/token/parent/'), []);
  assert.deepEqual(await tokens.listAccessors(), [root.entry.accessor]);
  assert.equal(await leases.reapExpired(1000), 0);
});

test('a pass stops at its limit and the next pass continues where it is due', async () => {
  const { clock, tokens, leases, revoked } = world(4);
  const root = await tokens.createRoot();
  for (let i = 0; i < 10; i++) await tokens.create({ policies: ['p'], orphan: true, ttl: 10 + i }, root.entry);
  clock.advance(15_500);
  assert.equal(await leases.reapExpired(3), 3);
  assert.equal(await leases.reapExpired(100), 3, 'only what is due');
  clock.advance(100_000);
  assert.equal(await leases.reapExpired(100), 4);
  assert.equal(new Set(revoked).size, 10);
});

test('an expired parent takes its subtree (leases, accessors, links) along; a child due in the same batch is revoked once', async () => {
  const { storage, clock, tokens, leases, revoked, revokedLeases } = world(10);
  const root = await tokens.createRoot();
  const parent = await tokens.create({ policies: ['p'], ttl: 60 }, root.entry);
  const dueChild = await tokens.create({ policies: ['p'], ttl: 30 }, parent.entry);
  const grandchild = await tokens.create({ policies: ['p'], ttl: 600 }, dueChild.entry);
  const lateChild = await tokens.create({ policies: ['p'], ttl: 600 }, parent.entry);
  const other = await tokens.create({ policies: ['p'], ttl: 600 }, root.entry);
  const secret = { type: 'x', ttl: 600, renewable: true, internal: {} };
  const lease = await leases.register({ path: 'db/creds/r', secret, mountAccessor: 'm', tokenKey: grandchild.entry.id, mountConfig: config });
  clock.advance(61_000);
  assert.equal(await leases.reapExpired(), 2, 'two items were due: the parent and one child');
  assert.equal(revoked.length, 4);
  assert.deepEqual(new Set(revoked), new Set([parent, dueChild, grandchild, lateChild].map((t) => t.entry.id)));
  assert.ok(revoked.indexOf(grandchild.entry.id) < revoked.indexOf(dueChild.entry.id), 'children first');
  assert.ok(revoked.indexOf(dueChild.entry.id) < revoked.indexOf(parent.entry.id), 'children first');
  assert.deepEqual(revokedLeases, [lease.leaseId]);
  for (const t of [parent, dueChild, grandchild, lateChild]) {
    assert.equal(await tokens.lookupByKey(t.entry.id), undefined);
    assert.equal(await tokens.lookupAccessor(t.entry.accessor), undefined);
  }
  assert.ok(await tokens.lookupByKey(other.entry.id));
  assert.deepEqual(await keysUnder(storage, 'sys/token/parent/'), [`sys/token/parent/${root.entry.id}/${other.entry.id}`]);
  assert.deepEqual(await keysUnder(storage, 'sys/expire/revoking/'), []);
  assert.deepEqual(await keysUnder(storage, 'sys/expire/id/'), []);
  assert.deepEqual((await keysUnder(storage, 'sys/expire/at/')).length, 1, 'only the unrelated token is scheduled');
});

test('a token whose revocation fails keeps its intent and is retried; the rest of its batch succeeds', async () => {
  const { storage, clock, tokens, leases, revoked, failOn } = world(10);
  const root = await tokens.createRoot();
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) ids.push((await tokens.create({ policies: ['p'], orphan: true }, root.entry)).entry.id);
  const bad = ids[2] as string;
  failOn([bad]);
  clock.advance(61_000);
  assert.equal(await leases.reapExpired(), 5);
  assert.deepEqual(new Set(revoked), new Set(ids.filter((id) => id !== bad)));
  assert.equal(await tokens.lookupByKey(bad), undefined, 'expired, so unusable');
  assert.ok(await storage.get(`sys/token/id/${bad}`), 'its records stay until it succeeds');
  assert.deepEqual(await keysUnder(storage, 'sys/expire/revoking/'), [`sys/expire/revoking/token:${bad}`]);
  failOn([]);
  assert.equal(await leases.reapExpired(), 0, 'not before the backoff');
  clock.advance(11_000);
  assert.equal(await leases.reapExpired(), 1);
  assert.equal(revoked.filter((id) => id === bad).length, 1);
  assert.deepEqual(await keysUnder(storage, 'sys/expire/'), []);
  assert.equal(await storage.get(`sys/token/id/${bad}`), undefined);
});

test('a lease whose backend fails is retried; the other leases of its batch are revoked', async () => {
  const storage = new CountingStorage();
  const clock = new FakeClock();
  const revokedLeases: string[] = [];
  let down = true;
  const leases = new LeaseManager({
    storage, clock, batchSize: 10,
    revoker: {
      renew: async () => undefined,
      revoke: async (l: LeaseEntry) => {
        if (l.internal['bad'] === true && down) throw new Error('backend down');
        revokedLeases.push(l.leaseId);
      },
    },
  });
  const secret = (bad: boolean) => ({ type: 'x', ttl: 30, renewable: true, internal: { bad } });
  const good = [];
  for (let i = 0; i < 4; i++) good.push((await leases.register({ path: 'db/creds/r', secret: secret(false), mountAccessor: 'm', tokenKey: '', mountConfig: config })).leaseId);
  const bad = await leases.register({ path: 'db/creds/r', secret: secret(true), mountAccessor: 'm', tokenKey: '', mountConfig: config });
  clock.advance(31_000);
  assert.equal(await leases.reapExpired(), 4);
  assert.deepEqual([...revokedLeases].sort(), [...good].sort());
  assert.ok(await leases.get(bad.leaseId));
  assert.ok(await storage.get(`sys/expire/revoking/${bad.leaseId}`));
  down = false;
  clock.advance(11_000);
  assert.equal(await leases.reapExpired(), 1);
  assert.deepEqual(await keysUnder(storage, 'sys/expire/'), []);
});

test('intents are written before anything is revoked; a failed deletion transaction leaves every intent', async () => {
  const { storage, clock, tokens, leases, revoked } = world(10);
  const root = await tokens.createRoot();
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await tokens.create({ policies: ['p'], orphan: true }, root.entry)).entry.id);
  const seenIntents: boolean[] = [];
  const hooked = node(storage, clock, 10, async (k) => void seenIntents.push((await storage.get(`sys/expire/revoking/token:${k}`)) !== undefined));
  clock.advance(61_000);
  // The claim commits, the records' deletion fails: what the hooks did is redone later.
  const first = storage.transactions + 1;
  storage.failing = (n) => n === first + 1;
  assert.equal(await hooked.leases.reapExpired(), 0);
  storage.failing = () => false;
  assert.deepEqual(seenIntents, [true, true, true]);
  assert.deepEqual((await keysUnder(storage, 'sys/expire/revoking/')).length, 3);
  for (const id of ids) assert.ok(await storage.get(`sys/token/id/${id}`));
  clock.advance(11_000);
  assert.equal(await leases.reapExpired(), 3);
  assert.deepEqual(new Set(revoked), new Set(ids));
  assert.deepEqual(await keysUnder(storage, 'sys/expire/'), []);
});

test('concurrent passes of two nodes sharing storage claim each token exactly once', async () => {
  const storage = new CountingStorage();
  const clock = new FakeClock();
  const seen: string[] = [];
  const a = node(storage, clock, 7, async (k) => void seen.push(k));
  const b = node(storage, clock, 5, async (k) => void seen.push(k));
  const root = await a.tokens.createRoot();
  const ids: string[] = [];
  for (let i = 0; i < 60; i++) {
    const t = await (i % 2 ? a : b).tokens.create({ policies: ['p'], orphan: true, ttl: 30 + (i % 7) }, root.entry);
    ids.push(t.entry.id);
    // Not due itself: revoked with its parent (a due child could be revoked twice, by its
    // own claim and inside its parent's tree, as before batching).
    if (i % 5 === 0) ids.push((await a.tokens.create({ policies: ['p'], ttl: 3000 }, t.entry)).entry.id);
  }
  clock.advance(100_000);
  const counts = await Promise.all([a.leases.reapExpired(20), b.leases.reapExpired(20), a.leases.reapExpired(), b.leases.reapExpired()]);
  assert.equal(counts.reduce((x, y) => x + y, 0) + (await a.leases.reapExpired()) + (await b.leases.reapExpired()), 60);
  assert.equal(seen.length, ids.length);
  assert.deepEqual(new Set(seen), new Set(ids));
  assert.deepEqual(await keysUnder(storage, 'sys/expire/'), []);
  assert.deepEqual(await a.tokens.listAccessors(), [root.entry.accessor]);
});

test('a child minted while its parent is revoked is revoked too, never orphaned', async () => {
  const storage = new CountingStorage();
  const clock = new FakeClock();
  const revoked: string[] = [];
  const seen: { parent?: TokenEntry; late?: string } = {};
  const { tokens } = node(storage, clock, 10, async (k) => {
    revoked.push(k);
    // The first child's hook mints another child under the (still live) parent.
    const parent = seen.parent;
    if (seen.late === undefined && parent && k !== parent.id) seen.late = (await tokens.create({ policies: ['p'] }, parent)).entry.id;
  });
  const root = await tokens.createRoot();
  const parent = (await tokens.create({ policies: ['p'] }, root.entry)).entry;
  seen.parent = parent;
  const first = await tokens.create({ policies: ['p'] }, parent);
  await tokens.revokeByKey(parent.id);
  const late = seen.late;
  assert.ok(late !== undefined);
  assert.deepEqual(new Set(revoked), new Set([first.entry.id, late, parent.id]));
  assert.equal(await storage.get(`sys/token/id/${late}`), undefined);
  assert.deepEqual(await keysUnder(storage, 'sys/token/parent/'), []);
  assert.deepEqual(await keysUnder(storage, 'sys/expire/revoking/'), []);
});
