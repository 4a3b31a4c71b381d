// The barrier on the real PostgreSQL backend: conformance through the barrier, no plaintext
// in the table, and two nodes sharing one table (a rotation on one is picked up by the other).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { runStorageConformance } from '../storage/conformance.js';
import { PostgresPhysical } from '../storage/postgres/postgres-physical.js';
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

test('postgres: no plaintext in the table; a second node reads after a rotation elsewhere', { skip }, async () => {
  const schema = uniqueSchema();
  const a = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
  const b = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
  const nodeA = new SecurityBarrier(a);
  const nodeB = new SecurityBarrier(b);
  try {
    const rootKey = randomBytes(32);
    await nodeA.initialize(rootKey);
    await nodeA.unseal(rootKey);
    await nodeB.unseal(rootKey);
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
    nodeA.seal();
    nodeB.seal();
    await a.close();
    await b.close();
    await dropSchema(schema);
  }
});
