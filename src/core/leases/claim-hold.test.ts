// A reaper batch works on its claimed items one after the other: when it runs long, it
// renews the claims it has not started, so another node never takes them over, and an item
// another node did claim in between is left to that node (not revoked, not failed here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock.js';
import { InmemPhysical } from '../../storage/inmem/inmem-physical.js';
import { ClaimHold } from './claim-hold.js';
import { LeaseManager } from './lease-manager.js';
import type { LeaseEntry } from './lease-entry.js';
import { CLAIM_MS, RevocationIntents } from './revocation-intents.js';

test('a slow batch renews its claims: another node takes none of its items', async () => {
  const storage = new InmemPhysical();
  const clock = new FakeClock();
  const revoked: string[] = [];
  const takenOver: string[] = [];
  const other = new LeaseManager({ storage, clock, revoker: { renew: async () => undefined, revoke: async (l: LeaseEntry) => void takenOver.push(l.leaseId) }, batchSize: 10 });
  const otherReaped: number[] = [];
  const slow = {
    renew: async () => undefined,
    revoke: async (l: LeaseEntry) => {
      revoked.push(l.leaseId);
      clock.advance(40_000);
      // Another node's whole pass runs while this backend call is slow.
      otherReaped.push(await other.reapExpired());
    },
  };
  const a = new LeaseManager({ storage, clock, revoker: slow, batchSize: 10 });
  const secret = { type: 'x', ttl: 30, renewable: true, internal: {} };
  for (let i = 0; i < 4; i++) await a.register({ path: 'db/creds/r', secret, mountAccessor: 'm', tokenKey: '', mountConfig: { defaultLeaseTtl: 30, maxLeaseTtl: 60 } });
  clock.advance(31_000);
  assert.equal(await a.reapExpired(), 4);
  assert.equal(new Set(revoked).size, 4);
  assert.deepEqual(otherReaped, [0, 0, 0, 0]);
  assert.deepEqual(takenOver, []);
  assert.deepEqual(await storage.scan('sys/expire/'), []);
});

test('an item claimed by another node before its turn is lost to the batch: skipped, never failed over its owner', async () => {
  const storage = new InmemPhysical();
  const clock = new FakeClock();
  const mine = new RevocationIntents(storage, clock);
  const theirs = new RevocationIntents(storage, clock);
  const claimed = { claim: 'batch-1', until: clock.now() + CLAIM_MS };
  await storage.transaction(async (tx) => {
    for (const item of ['db/a', 'db/b', 'db/c']) await mine.begin(tx, item, claimed);
  });
  const hold = new ClaimHold(mine, clock, ['db/a', 'db/b', 'db/c'], claimed);
  assert.equal(await hold.start('db/c'), true, 'no renewal needed yet');
  clock.advance(CLAIM_MS + 1);
  const taken = await theirs.claimDue(1);
  assert.deepEqual(taken.items, ['db/a']);
  assert.equal(await hold.start('db/b'), true, 'renewed: still stamped by this batch');
  assert.equal(await hold.start('db/a'), false);
  assert.deepEqual([...hold.lost], ['db/a']);
  assert.equal((await mine.get('db/b'))?.nextAttemptAt, clock.now() + CLAIM_MS);
  // Failures are recorded only for what this batch still owns.
  await mine.failMany(['db/a', 'db/c'], hold.claim);
  assert.deepEqual(await mine.get('db/a'), { attempts: 0, nextAttemptAt: taken.until, createdAt: clock.now() - CLAIM_MS - 1, claim: taken.claim });
  assert.equal((await mine.get('db/c'))?.attempts, 1);
});
