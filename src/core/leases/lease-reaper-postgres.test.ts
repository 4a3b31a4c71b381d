// Two nodes (each its own PostgresPhysical, i.e. its own pool) share one PostgreSQL table
// and reap the same expiry index at once, in small batches so their batch claims collide:
// every lease and every token is claimed and revoked exactly once (the claim transaction
// reads, deletes and writes intents for a whole batch under SERIALIZABLE; the loser of a
// collision re-runs it and claims what is left), and nothing is left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { FakeClock } from '../../lib/clock.js';
import { PostgresPhysical } from '../../storage/postgres/postgres-physical.js';
import { POSTGRES_URL, skipUnlessService } from '../../../test/support/services.js';
import { dropSchema } from '../../../test/support/postgres-schema.js';
import { TokenStore } from '../tokens/token-store.js';
import { LeaseManager } from './lease-manager.js';
import type { LeaseEntry } from './lease-entry.js';

const skip = await skipUnlessService('PostgreSQL', 5432);


test('two nodes on one PostgreSQL racing batch claims revoke each lease and token exactly once', { skip }, async () => {
  const schema = `arca_reap_${process.pid}_${randomBytes(6).toString('hex')}`;
  const clock = new FakeClock();
  const revokedLeases: string[] = [];
  const revokedTokens: string[] = [];
  const revoker = { renew: async () => undefined, revoke: async (l: LeaseEntry) => void revokedLeases.push(l.leaseId) };
  const physicals: PostgresPhysical[] = [];
  try {
    const nodes = [];
    for (const batchSize of [5, 7]) {
      const storage = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
      physicals.push(storage);
      const leases = new LeaseManager({ storage, clock, revoker, batchSize });
      const tokens = new TokenStore({ storage, clock, leases, batchSize, onRevoked: async (k) => void revokedTokens.push(k) });
      nodes.push({ leases, tokens });
    }
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const mountConfig = { defaultLeaseTtl: 60, maxLeaseTtl: 600 };
    const secret = { type: 'creds', ttl: 30, renewable: true, internal: {} };
    const root = await a.tokens.createRoot();
    const tokenIds: string[] = [];
    for (let i = 0; i < 40; i++) {
      const node = i % 2 ? a : b;
      const t = await node.tokens.create({ policies: ['p'], orphan: true, ttl: 30 }, root.entry);
      tokenIds.push(t.entry.id);
      // Children not due themselves go with their parent's tree.
      if (i % 4 === 0) tokenIds.push((await node.tokens.create({ policies: ['p'], ttl: 600 }, t.entry)).entry.id);
      await node.leases.register({ path: 'db/creds/ro', secret, mountAccessor: 'm', tokenKey: '', mountConfig });
    }
    clock.advance(31_000);
    const counts = await Promise.all([a.leases.reapExpired(), b.leases.reapExpired(), a.leases.reapExpired(25), b.leases.reapExpired(25)]);
    const more = (await a.leases.reapExpired()) + (await b.leases.reapExpired());
    assert.equal(counts.reduce((x, y) => x + y, 0) + more, 80, '40 leases and 40 tokens were due');
    assert.equal(revokedLeases.length, 40);
    assert.equal(new Set(revokedLeases).size, 40);
    assert.equal(revokedTokens.length, tokenIds.length, 'every token revoked once');
    assert.deepEqual(new Set(revokedTokens), new Set(tokenIds));
    const storage = physicals[0] as PostgresPhysical;
    assert.deepEqual(await storage.scan('sys/expire/'), []);
    assert.deepEqual(await storage.scan('sys/token/parent/'), []);
    assert.deepEqual(await a.tokens.listAccessors(), [root.entry.accessor]);
  } finally {
    for (const p of physicals) await p.close();
    await dropSchema(schema);
  }
});
