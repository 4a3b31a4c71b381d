// The barrier on the real PostgreSQL backend: conformance through the barrier, no plaintext
// in the table, and two nodes sharing one table (a rotation on one is picked up by the other;
// each node's read cache follows the other's writes through the key change feed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { runStorageConformance } from '../storage/conformance.js';
import { PostgresPhysical } from '../storage/postgres/postgres-physical.js';
import { invalidationChannel, listenerName } from '../storage/postgres/postgres-invalidation.js';
import { POSTGRES_URL, skipUnlessService } from '../../test/support/services.js';
import { SecurityBarrier } from './security-barrier.js';

const skip = await skipUnlessService('PostgreSQL', 5432);

function uniqueSchema(): string {
  return `arca_barrier_${process.pid}_${randomBytes(6).toString('hex')}`;
}

async function query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const dropSchema = (schema: string): Promise<unknown> =>
  query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);

runStorageConformance(
  'security barrier over postgres',
  async () => {
    const schema = uniqueSchema();
    const rootKey = randomBytes(32);
    let physical = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
    let barrier = new SecurityBarrier(physical);
    await barrier.initialize(rootKey);
    await barrier.unseal(rootKey);
    return {
      storage: barrier,
      reopen: async () => {
        barrier.seal();
        await physical.close();
        physical = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
        barrier = new SecurityBarrier(physical);
        await barrier.unseal(rootKey);
        return barrier;
      },
      cleanup: async () => {
        barrier.seal();
        await physical.close();
        await dropSchema(schema);
      },
    };
  },
  { skip, propertyRuns: 15 },
);

/** Two nodes (each its own PostgresPhysical and barrier) on one fresh schema, both unsealed. */
async function twoNodes(): Promise<{
  schema: string;
  a: PostgresPhysical;
  nodeA: SecurityBarrier;
  nodeB: SecurityBarrier;
  rootKey: Buffer;
  close: () => Promise<void>;
}> {
  const schema = uniqueSchema();
  const a = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
  const b = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
  const nodeA = new SecurityBarrier(a);
  const nodeB = new SecurityBarrier(b);
  const close = async (): Promise<void> => {
    nodeA.seal();
    nodeB.seal();
    await a.close();
    await b.close();
    await dropSchema(schema);
  };
  const rootKey = randomBytes(32);
  try {
    await nodeA.initialize(rootKey);
    await nodeA.unseal(rootKey);
    await nodeB.unseal(rootKey);
  } catch (err) {
    await close();
    throw err;
  }
  return { schema, a, nodeA, nodeB, rootKey, close };
}

test('postgres: no plaintext in the table; a second node reads after a rotation elsewhere', { skip }, async () => {
  const { schema, a, nodeA, nodeB, close } = await twoNodes();
  try {
    const marker = `MARKER-${randomUUID()}`;
    await nodeA.put('secret/one', Buffer.from(marker));
    await nodeA.rotate();
    await nodeA.put('secret/two', Buffer.from(marker));
    assert.equal(Buffer.from((await nodeB.get('secret/two')) as Uint8Array).toString(), marker);
    assert.equal(nodeB.keyStatus().term, 2);
    const countMarker = async (): Promise<string | undefined> =>
      (
        await query<{ n: string }>(
          `SELECT count(*) AS n FROM ${pg.escapeIdentifier(schema)}.arca_kv WHERE position($1::bytea IN value) > 0`,
          [Buffer.from(marker)],
        )
      )[0]?.n;
    assert.equal(await countMarker(), '0');
    // The probe does see plaintext written below the barrier.
    await a.put('probe/plain', Buffer.from(marker));
    assert.equal(await countMarker(), '1');
  } finally {
    await close();
  }
});

test('postgres: each node caches reads; another node\'s writes reach the cache, and a broken feed turns it off', { skip }, async () => {
  const { schema, nodeA, nodeB, rootKey, close } = await twoNodes();
  const table = `${pg.escapeIdentifier(schema)}.arca_kv`;
  const readA = async (): Promise<string | undefined> => {
    const value = await nodeA.get('secret/k');
    return value === undefined ? undefined : Buffer.from(value).toString();
  };
  const eventually = async (what: string, check: () => Promise<boolean> | boolean): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  try {
    assert.ok(nodeA.cacheLive && nodeB.cacheLive, 'the feed is live once unsealed');
    await nodeB.put('secret/k', Buffer.from('v1'));
    const blobV1 = (await query<{ value: Buffer }>(`SELECT value FROM ${table} WHERE key = 'secret/k'`))[0]?.value;
    assert.ok(blobV1);
    assert.equal(await readA(), 'v1');
    assert.ok(nodeA.cachedEntries > 0, 'A cached the read');

    await nodeB.put('secret/k', Buffer.from('v2'));
    await eventually('A to see B\'s write', async () => (await readA()) === 'v2');

    // Put v1's ciphertext back under A's feet (no announcement): A keeps serving its cache.
    await query(`UPDATE ${table} SET value = $1 WHERE key = 'secret/k'`, [blobV1]);
    assert.equal(await readA(), 'v2', 'a hot read does not go to storage');

    await nodeB.transaction(async (tx) => {
      await tx.put('secret/k', Buffer.from('v3'));
    });
    await eventually('A to see B\'s transaction', async () => (await readA()) === 'v3');

    // A's feed breaks: A stops caching at once and reads storage until the feed is back.
    await query(`UPDATE ${table} SET value = $1 WHERE key = 'secret/k'`, [blobV1]);
    const killed = await query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [
      listenerName(invalidationChannel(schema, 'arca_kv')),
    ]);
    assert.equal(killed.length, 2, 'one listener per node');
    await eventually('A\'s cache off', () => !nodeA.cacheLive);
    assert.equal(nodeA.cachedEntries, 0);
    assert.equal(await readA(), 'v1', 'read through while the feed is down');
    await eventually('A\'s cache back on', () => nodeA.cacheLive);
    assert.equal(await readA(), 'v1');
    await nodeB.delete('secret/k');
    await eventually('A to see B\'s delete', async () => (await readA()) === undefined);

    nodeA.seal();
    assert.equal(nodeA.cacheLive, false, 'sealed: no cache');
    await nodeA.unseal(rootKey);
    assert.ok(nodeA.cacheLive, 'live again after unsealing');
  } finally {
    await close();
  }
});
