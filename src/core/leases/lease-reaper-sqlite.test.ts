// Two reapers sharing one SQLite database reap the same expiry index concurrently: every
// lease is revoked exactly once (claims are transactions), and after a restart the leases
// are found in storage with no start-up load. (Separate nodes share PostgreSQL; two SQLite
// connections in one process would block each other's event loop, so one connection is shared.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../lib/clock.js';
import { SqlitePhysical } from '../../storage/sqlite/sqlite-physical.js';
import { LeaseManager } from './lease-manager.js';
import type { LeaseEntry } from './lease-entry.js';

test('concurrent reapers on one SQLite database never revoke a lease twice; restart needs no restore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arca-'));
  const path = join(dir, 'arca.db');
  const clock = new FakeClock();
  const revoked: string[] = [];
  const revoker = { renew: async () => undefined, revoke: async (l: LeaseEntry) => void revoked.push(l.leaseId) };
  let a = SqlitePhysical.open(path);
  try {
    const nodeA = new LeaseManager({ storage: a, clock, revoker, batchSize: 7 });
    const secret = { type: 'creds', ttl: 30, renewable: true, internal: {} };
    for (let i = 0; i < 40; i++) {
      await nodeA.register({ path: 'db/creds/ro', secret, mountAccessor: 'm', tokenKey: 't', mountConfig: { defaultLeaseTtl: 60, maxLeaseTtl: 60 } });
    }
    await a.close();
    a = SqlitePhysical.open(path);
    const restarted = new LeaseManager({ storage: a, clock, revoker, batchSize: 7 });
    const nodeB = new LeaseManager({ storage: a, clock, revoker, batchSize: 7 });
    assert.equal(await restarted.reapExpired(), 0, 'nothing due yet');
    clock.advance(31_000);
    const counts = await Promise.all([restarted.reapExpired(), nodeB.reapExpired(), restarted.reapExpired()]);
    assert.equal(counts.reduce((x, y) => x + y, 0), 40);
    assert.equal(new Set(revoked).size, 40);
    assert.equal(revoked.length, 40);
    assert.deepEqual(await a.scan('sys/expire/'), []);
  } finally {
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
