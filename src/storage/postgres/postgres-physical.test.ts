// src/storage/postgres — PostgresPhysical against the real local PostgreSQL: the shared
// conformance suite (one fresh schema per test, dropped afterwards), invalidation over
// LISTEN/NOTIFY between two nodes, and SQLSTATE-based error classification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresPhysical } from './postgres-physical.js';
import { runStorageConformance } from '../conformance.js';
import type { KeyWatcher, Physical } from '../storage.js';
import pg from 'pg';
import { invalidationChannel, listenerName } from './postgres-invalidation.js';
import { startStallingProxy } from '../../../test/support/stalling-proxy.js';
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

/** A watcher that records what it is told, and waits for a given key or live state. */
class Recorder implements KeyWatcher {
  readonly keys: string[] = [];
  readonly states: boolean[] = [];
  private waiters: Array<() => void> = [];

  changed(key: string): void {
    this.keys.push(key);
    this.wake();
  }

  live(live: boolean): void {
    this.states.push(live);
    this.wake();
  }

  async until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

test('postgres: every committed put and delete reaches every node\'s key watchers, rolled-back ones never', { skip }, async () => {
  const schema = uniqueSchema();
  const a = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
  const b = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
  try {
    const seen = new Recorder();
    const unwatch = await a.watchKeys(seen);
    await seen.until('live', () => seen.states.includes(true));
    assert.deepEqual(seen.states, [true]);
    await b.put('k/1', Buffer.from('x'));
    await b.delete('k/2');
    await b.transaction(async (tx) => {
      await tx.put('k/3', Buffer.from('x'));
      await tx.delete('k/1');
      await tx.put('k/3', Buffer.from('y')); // the same key twice: announced once
    });
    await assert.rejects(
      b.transaction(async (tx) => {
        await tx.put('k/rolled-back', Buffer.from('x'));
        throw new Error('abort');
      }),
    );
    await a.put('x'.repeat(9000), Buffer.from('long key')); // too long for a payload: ''
    await a.put('k/end', Buffer.from('x'));
    await seen.until('k/end', () => seen.keys.includes('k/end'));
    assert.deepEqual(seen.keys, ['k/1', 'k/2', 'k/3', 'k/1', '', 'k/end']);
    unwatch();
    // A second watcher on the same listener hears what the first would have.
    const other = new Recorder();
    await a.watchKeys(other);
    assert.deepEqual(other.states, [true], 'told at once that the listener is live');
    await b.put('k/after', Buffer.from('x'));
    await other.until('k/after', () => other.keys.includes('k/after'));
    assert.ok(!seen.keys.includes('k/after'), 'an unwatched watcher hears nothing');
  } finally {
    await Promise.all([a.close(), b.close()]);
    await dropSchema(schema);
  }
});

test('postgres: a broken listener turns watchers off until it is back, and prefix subscribers are reset twice', { skip }, async () => {
  const schema = uniqueSchema();
  const a = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    const seen = new Recorder();
    await a.watchKeys(seen);
    const prefixes: string[] = [];
    await a.onInvalidate((prefix) => prefixes.push(prefix));
    await seen.until('live', () => seen.states.length === 1);
    const name = listenerName(invalidationChannel(schema, 'arca_kv'));
    const killed = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [name]);
    assert.equal(killed.rowCount, 1, 'one listening connection');
    await seen.until('off', () => seen.states.length >= 2);
    assert.equal(a.listening, false);
    await seen.until('back', () => seen.states.length >= 3);
    assert.deepEqual(seen.states, [true, false, true]);
    assert.deepEqual(prefixes, ['', ''], 'dropped when lost and again when back: changes in between were missed');
    await a.put('k/after', Buffer.from('x'));
    await seen.until('k/after', () => seen.keys.includes('k/after'));
  } finally {
    await admin.end();
    await a.close();
    await dropSchema(schema);
  }
});

test('postgres: a listener gone silent (half-open link) is caught by its heartbeat', { skip }, async () => {
  const proxy = await startStallingProxy(Number(new URL(POSTGRES_URL).port || 5432));
  const url = new URL(POSTGRES_URL);
  url.port = String(proxy.port);
  const schema = uniqueSchema();
  const a = await PostgresPhysical.open({
    connectionString: url.toString(),
    schema,
    listenerTiming: { heartbeatMs: 50, heartbeatTimeoutMs: 400 },
  });
  try {
    const seen = new Recorder();
    await a.watchKeys(seen);
    await seen.until('live', () => seen.states.length === 1);
    // Several heartbeats pass while the link works.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(seen.states, [true]);
    proxy.stall();
    await seen.until('off', () => seen.states.length >= 2);
    assert.equal(seen.states[1], false);
    proxy.resume();
    await seen.until('back', () => seen.states.length >= 3);
    assert.equal(seen.states[2], true);
  } finally {
    proxy.resume();
    await a.close();
    await proxy.close();
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

test('postgres: written-keys transactions on neighbouring keys never abort each other', { skip }, async () => {
  const schema = uniqueSchema();
  const storage = await PostgresPhysical.open({ connectionString: POSTGRES_URL, schema });
  try {
    // Each reads a key nobody has yet and creates it: under SERIALIZABLE, B-tree page predicate
    // locks make such neighbours conflict; with written-keys only a shared written key may.
    const create = (i: number): Promise<void> =>
      storage.transaction(
        async (tx) => {
          const key = `kv/meta/app/w-${String(i).padStart(3, '0')}`;
          assert.equal(await tx.get(key), undefined);
          await tx.put(key, Buffer.from('v1'));
        },
        { conflicts: 'written-keys' },
      );
    await Promise.all(Array.from({ length: 24 }, (_, i) => create(i)));
    assert.equal(storage.retries, 0);
    assert.equal((await storage.scan('kv/meta/app/')).length, 24);
  } finally {
    await storage.close();
    await dropSchema(schema);
  }
});
