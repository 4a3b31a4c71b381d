// src/storage/postgres — PostgresPhysical against the real local PostgreSQL: the shared
// conformance suite (one fresh schema per test, dropped afterwards), invalidation over
// LISTEN/NOTIFY between two nodes, and SQLSTATE-based error classification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresPhysical } from './postgres-physical.js';
import { runStorageConformance } from '../conformance.js';
import type { Physical } from '../storage.js';
import { ArcaError } from '../../lib/errors.js';
import { POSTGRES_URL, skipUnlessService } from '../../../test/support/services.js';
import { dropSchema, uniqueSchema } from '../../../test/support/postgres-schema.js';

const skip = await skipUnlessService('PostgreSQL', 5432);


runStorageConformance(
  'postgres',
  async () => {
    const schema = uniqueSchema();
    const open = (): Promise<PostgresPhysical> => PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
    let current: Physical = await open();
    return {
      storage: current,
      reopen: async () => {
        await current.close();
        current = await open();
        return current;
      },
      cleanup: async () => {
        await current.close();
        await dropSchema(schema);
      },
    };
  },
  { skip, propertyRuns: 25 },
);

test('postgres: invalidations reach every node sharing the table', { skip }, async () => {
  const schema = uniqueSchema();
  const a = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema, table: 'shared' });
  const b = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema, table: 'shared' });
  const other = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema, table: 'other' });
  try {
    const seenByA: string[] = [];
    const seenByOther: string[] = [];
    let arrived: () => void = () => undefined;
    const twoArrived = new Promise<void>((resolve) => (arrived = resolve));
    const unsubscribe = await a.onInvalidate((prefix) => {
      seenByA.push(prefix);
      if (seenByA.length === 2) arrived();
    });
    await other.onInvalidate((prefix) => seenByOther.push(prefix));
    await b.notifyInvalidate('sys/policy/');
    await b.notifyInvalidate('x'.repeat(10_000)); // over NOTIFY's payload limit: shortened
    await twoArrived;
    assert.equal(seenByA[0], 'sys/policy/');
    assert.ok((seenByA[1] ?? '').length < 10_000 && (seenByA[1] ?? '').startsWith('xxx'));
    unsubscribe();
    // The other table's channel heard nothing; a round trip on its own channel proves delivery order.
    let otherArrived: () => void = () => undefined;
    const marker = new Promise<void>((resolve) => (otherArrived = resolve));
    await other.onInvalidate((prefix) => prefix === 'marker' && otherArrived());
    await other.notifyInvalidate('marker');
    await marker;
    assert.deepEqual(seenByOther, ['marker']);
  } finally {
    await Promise.all([a.close(), b.close(), other.close()]);
    await dropSchema(schema);
  }
});

test('postgres: errors are classified and never echo the connection string', { skip }, async () => {
  await assert.rejects(
    PostgresPhysical.open({ connectionString: POSTGRES_URL, table: 'bad-name; drop' }),
    (err: unknown) => err instanceof ArcaError && err.code === 'invalid_request',
  );
  const schema = uniqueSchema();
  const storage = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
  try {
    await assert.rejects(
      storage.put('nul\u0000key', new Uint8Array([1])),
      (err: unknown) => err instanceof ArcaError && err.code === 'invalid_request',
    );
  } finally {
    await storage.close();
    await dropSchema(schema);
  }
  const secretUrl = 'postgres://arca:hunter2-secret@127.0.0.1:1/nowhere';
  await assert.rejects(PostgresPhysical.open({ connectionString: secretUrl }), (err: unknown) => {
    assert.ok(err instanceof ArcaError && err.code === 'unavailable');
    assert.ok(!err.message.includes('hunter2'));
    return true;
  });
});
