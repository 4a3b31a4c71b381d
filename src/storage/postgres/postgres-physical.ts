// src/storage/postgres — the scale-out physical backend: several nodes share one table
// `key TEXT COLLATE "C" PRIMARY KEY, value BYTEA` (COLLATE "C" on a UTF8 database orders by
// bytes, like SQLite). Plain operations use the pool; a transaction holds one pooled
// connection under BEGIN ISOLATION LEVEL SERIALIZABLE (REPEATABLE READ when it only needs
// conflicts on the keys it writes, see TransactionOptions) and is re-run, a bounded number of
// times, when PostgreSQL reports a serialization failure (40001) or deadlock (40P01).
// Failures are classified by SQLSTATE only. Messages never include the connection string.
//
// Every put and delete also announces its key on the table's key channel (pg_notify in the
// same statement), so the announcement is delivered to every node exactly when the write
// commits, and never for a write rolled back; that is what lets each node cache reads (see
// KeyChangeFeed in storage.ts and barrier-read-cache.ts). PostgreSQL de-duplicates equal
// notifications within a transaction.
import pg from 'pg';
import type { Physical, ScanOptions, StorageWriter, Transaction } from '../storage.js';
import { ArcaError } from '../../lib/errors.js';
import { compareKeys, listAsync, prefixEnd } from '../inmem/key-order.js';
import { PostgresInvalidation, invalidationChannel, keyChannel, keyPayload, truncatePayload } from './postgres-invalidation.js';
import type { InvalidateCallback, InvalidationTiming } from './postgres-invalidation.js';
import type { KeyChangeFeed, KeyWatcher, TransactionOptions } from '../storage.js';

export interface PostgresOptions {
  readonly connectionString: string;
  /** Table name (default 'arca_kv'); created if missing. */
  readonly table?: string;
  /** Schema (default 'public'); created if missing when given. */
  readonly schema?: string;
  /** Pool size (default 10). */
  readonly maxConnections?: number;
  /** Re-runs of a transaction after a serialization failure (default 20). */
  readonly maxRetries?: number;
  /** Heartbeat of the notification listener (tests shorten it). */
  readonly listenerTiming?: InvalidationTiming;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const RETRYABLE = new Set(['40001', '40P01']);
/** Another node created the same schema/table at the same moment. */
const ALREADY_EXISTS = new Set(['23505', '42P06', '42P07']);

type Queryable = pg.Pool | pg.PoolClient;

function sqlState(err: unknown): string | undefined {
  return err instanceof pg.DatabaseError ? err.code : undefined;
}

/** Expected failures become ArcaErrors; the driver error stays as `cause` only. */
function classify(err: unknown): unknown {
  if (err instanceof ArcaError) return err;
  const state = sqlState(err);
  if (state === '22021' || state === '22P05') {
    return new ArcaError('invalid_request', 'storage keys must be valid UTF-8 text without NUL', { cause: err });
  }
  if (state !== undefined && RETRYABLE.has(state)) {
    return new ArcaError('unavailable', 'postgres storage transaction kept conflicting; try again', { cause: err });
  }
  if (state?.startsWith('08') || state?.startsWith('57P') || (err as { code?: unknown } | null)?.code === 'ECONNREFUSED') {
    return new ArcaError('unavailable', 'postgres storage is unavailable', { cause: err });
  }
  return err;
}

function toBuffer(value: Uint8Array): Buffer {
  return Buffer.from(value); // a copy: the caller may reuse its buffer before the query runs
}

/** The SQL for one table; every statement is named so each connection prepares it once. */
class Sql {
  readonly table: string;
  private readonly tag: string;
  /** The key channel as an SQL literal (a fixed identifier: safe to embed). */
  private readonly keys: string;

  constructor(schema: string, table: string) {
    this.table = `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`;
    this.tag = invalidationChannel(schema, table).slice('arca_inv_'.length);
    this.keys = pg.escapeLiteral(keyChannel(schema, table));
  }

  private named(name: string, text: string, values: unknown[]): pg.QueryConfig {
    return { name: `arca_${name}_${this.tag}`, text, values };
  }

  async get(db: Queryable, key: string): Promise<Uint8Array | undefined> {
    const res = await db.query<{ value: Buffer }>(
      this.named('get', `SELECT value FROM ${this.table} WHERE key = $1`, [key]),
    );
    const row = res.rows[0];
    return row === undefined ? undefined : new Uint8Array(row.value);
  }

  /** A data-modifying WITH runs whether or not the outer query reads it. */
  async put(db: Queryable, key: string, value: Buffer): Promise<void> {
    const text =
      `WITH w AS (INSERT INTO ${this.table} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value) ` +
      `SELECT pg_notify(${this.keys}, $3)`;
    await db.query(this.named('put', text, [key, value, keyPayload(key)]));
  }

  async delete(db: Queryable, key: string): Promise<void> {
    const text = `WITH w AS (DELETE FROM ${this.table} WHERE key = $1) SELECT pg_notify(${this.keys}, $2)`;
    await db.query(this.named('del', text, [key, keyPayload(key)]));
  }

  /** Several puts in one statement; `keys` must be distinct (one row may change once). */
  async putMany(db: Queryable, keys: readonly string[], values: readonly Buffer[]): Promise<void> {
    if (keys.length === 1) return this.put(db, keys[0] as string, values[0] as Buffer);
    const text =
      `WITH w AS (INSERT INTO ${this.table} (key, value) SELECT * FROM unnest($1::text[], $2::bytea[]) ` +
      `ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value) SELECT pg_notify(${this.keys}, p) FROM unnest($3::text[]) AS p`;
    await db.query(this.named('putm', text, [keys, values, keys.map(keyPayload)]));
  }

  async deleteMany(db: Queryable, keys: readonly string[]): Promise<void> {
    if (keys.length === 1) return this.delete(db, keys[0] as string);
    const text = `WITH d AS (DELETE FROM ${this.table} WHERE key = ANY($1::text[])) SELECT pg_notify(${this.keys}, p) FROM unnest($2::text[]) AS p`;
    await db.query(this.named('delm', text, [keys, keys.map(keyPayload)]));
  }

  /** Keys starting with `prefix` from a lower bound, in byte order; limit null = all. */
  async range(db: Queryable, prefix: string, from: string, inclusive: boolean, limit: number | null): Promise<string[]> {
    if (compareKeys(from, prefix) < 0) {
      from = prefix;
      inclusive = true;
    }
    const end = prefixEnd(prefix);
    const op = inclusive ? '>=' : '>';
    const upper = end === undefined ? '' : ' AND key < $3';
    const text = `SELECT key FROM ${this.table} WHERE key ${op} $1${upper} ORDER BY key LIMIT $2`;
    const values: unknown[] = end === undefined ? [from, limit] : [from, limit, end];
    const res = await db.query<{ key: string }>(this.named(`r${inclusive ? 'i' : 'x'}${end === undefined ? 'u' : 'b'}`, text, values));
    return res.rows.map((r) => r.key);
  }

  list(db: Queryable, prefix: string): Promise<string[]> {
    return listAsync(prefix, (req) => this.range(db, prefix, req.from, req.inclusive, req.limit));
  }

  scan(db: Queryable, prefix: string, options: ScanOptions = {}): Promise<string[]> {
    const limit = options.limit ?? null;
    if (options.after === undefined) return this.range(db, prefix, prefix, true, limit);
    return this.range(db, prefix, options.after, false, limit);
  }
}

/**
 * One attempt of a transaction, bound to its connection. Writes are held back and sent
 * together — at most one statement of puts and one of deletes — before a list or scan (which
 * must see them) and before COMMIT: a token's creation writes five keys, and each statement
 * is a round trip. A get answers a held-back write itself.
 */
class PostgresTransaction implements StorageWriter {
  private open = true;
  /** Writes not sent yet: key → value, or null for a delete (a key's last write wins). */
  private readonly held = new Map<string, Buffer | null>();

  constructor(
    private readonly sql: Sql,
    private readonly client: pg.PoolClient,
  ) {}

  close(): void {
    this.open = false;
  }

  private check(): void {
    if (!this.open) throw new Error('transaction used after it finished');
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.check();
    const held = this.held.get(key);
    if (held === null) return undefined;
    if (held !== undefined) return new Uint8Array(held);
    return this.sql.get(this.client, key);
  }

  async list(prefix: string): Promise<string[]> {
    this.check();
    await this.flush();
    return this.sql.list(this.client, prefix);
  }

  async scan(prefix: string, options?: ScanOptions): Promise<string[]> {
    this.check();
    await this.flush();
    return this.sql.scan(this.client, prefix, options);
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.check();
    this.held.delete(key); // re-inserted at the end: the Map keeps the order writes came in
    this.held.set(key, toBuffer(value));
  }

  async delete(key: string): Promise<void> {
    this.check();
    this.held.delete(key);
    this.held.set(key, null);
  }

  /** Sends the held-back writes (before a range read, and before COMMIT). */
  async flush(): Promise<void> {
    if (this.held.size === 0) return;
    const putKeys: string[] = [];
    const putValues: Buffer[] = [];
    const deleteKeys: string[] = [];
    for (const [key, value] of this.held) {
      if (value === null) deleteKeys.push(key);
      else {
        putKeys.push(key);
        putValues.push(value);
      }
    }
    this.held.clear();
    // Each key appears once, so the two statements' order does not matter.
    if (putKeys.length > 0) await this.sql.putMany(this.client, putKeys, putValues);
    if (deleteKeys.length > 0) await this.sql.deleteMany(this.client, deleteKeys);
  }
}

export class PostgresPhysical implements Physical, KeyChangeFeed {
  readonly kind = 'postgres' as const;
  private closed = false;
  private conflictRetries = 0;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly sql: Sql,
    private readonly invalidation: PostgresInvalidation,
    private readonly maxRetries: number,
  ) {}

  /** Connects, checks the database encoding and creates the schema/table if missing. */
  static async open(options: PostgresOptions): Promise<PostgresPhysical> {
    const schema = options.schema ?? 'public';
    const table = options.table ?? 'arca_kv';
    for (const [what, name] of [['schema', schema], ['table', table]] as const) {
      if (!IDENTIFIER.test(name)) throw new ArcaError('invalid_request', `invalid postgres ${what} name "${name}"`);
    }
    const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
    // An idle pooled connection dropped by the server is discarded by the pool; without a
    // listener that event would crash the process.
    pool.on('error', () => undefined);
    const sql = new Sql(schema, table);
    try {
      const enc = await pool.query<{ server_encoding: string }>('SHOW server_encoding');
      if (enc.rows[0]?.server_encoding !== 'UTF8') {
        throw new ArcaError('invalid_request', 'postgres storage needs a UTF8 database (key order depends on it)');
      }
      if (options.schema !== undefined) {
        await ignoreExists(pool.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`));
      }
      await ignoreExists(
        pool.query(`CREATE TABLE IF NOT EXISTS ${sql.table} (key TEXT COLLATE "C" PRIMARY KEY, value BYTEA NOT NULL)`),
      );
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw classify(err);
    }
    const invalidation = new PostgresInvalidation(
      options.connectionString,
      invalidationChannel(schema, table),
      keyChannel(schema, table),
      options.listenerTiming,
    );
    return new PostgresPhysical(pool, sql, invalidation, options.maxRetries ?? 20);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.guard(() => this.sql.get(this.pool, key));
  }

  async list(prefix: string): Promise<string[]> {
    return this.guard(() => this.sql.list(this.pool, prefix));
  }

  async scan(prefix: string, options?: ScanOptions): Promise<string[]> {
    return this.guard(() => this.sql.scan(this.pool, prefix, options));
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const copy = toBuffer(value);
    return this.guard(() => this.sql.put(this.pool, key, copy));
  }

  async delete(key: string): Promise<void> {
    return this.guard(() => this.sql.delete(this.pool, key));
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    this.check();
    const begin = options.conflicts === 'written-keys' ? 'BEGIN ISOLATION LEVEL REPEATABLE READ' : 'BEGIN ISOLATION LEVEL SERIALIZABLE';
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(fn, begin);
      } catch (err) {
        const state = sqlState(err);
        if (state === undefined || !RETRYABLE.has(state) || attempt >= this.maxRetries) throw classify(err);
        this.conflictRetries += 1;
        await backoff(attempt);
      }
    }
  }

  /** Transactions re-run after a serialization failure or deadlock, since opening. */
  get retries(): number {
    return this.conflictRetries;
  }

  /**
   * Subscribes to invalidations sent by any node (this one included) with
   * `notifyInvalidate`; resolves once listening. Returns the unsubscribe function. After a
   * lost connection the callback receives '' (drop everything): notifications may be lost.
   */
  onInvalidate(cb: InvalidateCallback): Promise<() => void> {
    this.check();
    return this.invalidation.subscribe(cb);
  }

  /** See KeyChangeFeed: every committed put/delete by any node sharing the table. */
  watchKeys(watcher: KeyWatcher): Promise<() => void> {
    this.check();
    return this.invalidation.watch(watcher);
  }

  /** True while this node's notification listener is connected and answering. */
  get listening(): boolean {
    return this.invalidation.listening;
  }

  /** Tells every node to drop cached entries under `keyPrefix` (long prefixes are shortened). */
  async notifyInvalidate(keyPrefix: string): Promise<void> {
    await this.guard(() =>
      this.pool.query('SELECT pg_notify($1, $2)', [this.invalidation.channel, truncatePayload(keyPrefix)]),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.invalidation.close();
    await this.pool.end();
  }

  private async attempt<T>(fn: (tx: Transaction) => Promise<T>, begin: string): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query(begin);
      const tx = new PostgresTransaction(this.sql, client);
      try {
        const result = await fn(tx);
        await tx.flush();
        tx.close();
        await client.query('COMMIT');
        return result;
      } catch (err) {
        tx.close();
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw err;
      }
    } finally {
      client.release(broken);
    }
  }

  private check(): void {
    if (this.closed) throw new Error('postgres storage is closed');
  }

  private async guard<T>(op: () => Promise<T>): Promise<T> {
    this.check();
    try {
      return await op();
    } catch (err) {
      throw classify(err);
    }
  }
}

async function ignoreExists(query: Promise<unknown>): Promise<void> {
  try {
    await query;
  } catch (err) {
    const state = sqlState(err);
    if (state === undefined || !ALREADY_EXISTS.has(state)) throw err;
  }
}

/** Jittered exponential backoff so conflicting callers stop colliding in lockstep. */
function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(200, 2 ** Math.min(attempt, 8));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}
