// src/storage/sqlite — the embedded default physical backend (better-sqlite3). One table
// `kv(key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID`; SQLite's BINARY collation compares
// UTF-8 bytes, matching the contract's key order. WAL with synchronous=FULL: a write is on
// disk (survives SIGKILL or power loss) before its promise resolves.
//
// Concurrency model: better-sqlite3 is synchronous, so every write (plain or transactional)
// runs on one write connection, one logical transaction at a time, in arrival order.
// Group commit: the logical transactions (and plain writes) queued while one SQLite
// transaction is open run inside it, each in its own SAVEPOINT (a failing one is rolled back
// to its savepoint alone), and one COMMIT — one fsync — makes the whole group durable before
// any of their promises resolve. Serial order is preserved: each sees the writes of those
// before it. Plain reads use a second, read-only connection, which in WAL mode sees only
// committed data, so they never observe an open transaction's writes and never wait for it.
// Contract for callers: open one SqlitePhysical per file per process, and never call this
// storage (rather than `tx`) from inside `fn`: writes would wait for the transaction that is
// waiting for them.
import { mkdirSync, closeSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Physical, ScanOptions, StorageWriter, Transaction } from '../storage.js';
import { ArcaError } from '../../lib/errors.js';
import { compareKeys, listSync, prefixEnd } from '../inmem/key-order.js';
import type { PageRequest } from '../inmem/key-order.js';

export interface SqliteOptions {
  /** How long a statement waits for another process's lock before failing (default 5000). */
  readonly busyTimeoutMs?: number;
}

type Db = Database.Database;

/** The prepared statements one connection needs for reads (and, on the writer, writes). */
class Statements {
  private readonly getStmt: Database.Statement<[string], Buffer | undefined>;
  private readonly ranges: Map<string, Database.Statement<unknown[], string>>;

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare<[string], Buffer | undefined>('SELECT value FROM kv WHERE key = ?').pluck();
    this.ranges = new Map();
    for (const lower of ['>=', '>']) {
      for (const bounded of [true, false]) {
        const upper = bounded ? ' AND key < @end' : '';
        const sql = `SELECT key FROM kv WHERE key ${lower} @from${upper} ORDER BY key LIMIT @limit`;
        this.ranges.set(`${lower}${bounded}`, db.prepare<unknown[], string>(sql).pluck());
      }
    }
  }

  get(key: string): Uint8Array | undefined {
    const value = this.getStmt.get(key);
    if (value === undefined || value === null) return undefined;
    return new Uint8Array(value);
  }

  /** Keys starting with `prefix`, from a lower bound, in byte order. */
  range(prefix: string, from: string, inclusive: boolean, limit: number): string[] {
    const end = prefixEnd(prefix);
    // A lower bound before the prefix would let keys outside it through.
    if (compareKeys(from, prefix) < 0) {
      from = prefix;
      inclusive = true;
    }
    const stmt = this.ranges.get(`${inclusive ? '>=' : '>'}${end !== undefined}`) as Database.Statement<unknown[], string>;
    const params: Record<string, string | number> = { from, limit: Number.isFinite(limit) ? limit : -1 };
    if (end !== undefined) params['end'] = end;
    return stmt.all(params);
  }

  list(prefix: string): string[] {
    return listSync(prefix, (req: PageRequest) => this.range(prefix, req.from, req.inclusive, req.limit));
  }

  scan(prefix: string, options: ScanOptions = {}): string[] {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (options.after === undefined) return this.range(prefix, prefix, true, limit);
    return this.range(prefix, options.after, false, limit);
  }

  get database(): Db {
    return this.db;
  }
}

/** A transaction's view: the write connection inside BEGIN IMMEDIATE. */
class SqliteTransaction implements StorageWriter {
  private open = true;

  constructor(
    private readonly stmts: Statements,
    private readonly writes: Writes,
  ) {}

  close(): void {
    this.open = false;
  }

  private check(): void {
    if (!this.open) throw new Error('transaction used after it finished');
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.check();
    return this.stmts.get(key);
  }

  async list(prefix: string): Promise<string[]> {
    this.check();
    return this.stmts.list(prefix);
  }

  async scan(prefix: string, options?: ScanOptions): Promise<string[]> {
    this.check();
    return this.stmts.scan(prefix, options);
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.check();
    this.writes.put(key, value);
  }

  async delete(key: string): Promise<void> {
    this.check();
    this.writes.delete(key);
  }
}

class Writes {
  private readonly putStmt: Database.Statement<[string, Buffer]>;
  private readonly deleteStmt: Database.Statement<[string]>;

  constructor(db: Db) {
    this.putStmt = db.prepare<[string, Buffer]>(
      'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.deleteStmt = db.prepare<[string]>('DELETE FROM kv WHERE key = ?');
  }

  put(key: string, value: Uint8Array): void {
    // A copy, so later changes to the caller's buffer cannot reach the statement.
    this.putStmt.run(key, Buffer.from(value));
  }

  delete(key: string): void {
    this.deleteStmt.run(key);
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** Lock contention with another process is an expected, retryable failure. */
function classify(err: unknown): unknown {
  if (isBusy(err)) return new ArcaError('unavailable', 'sqlite storage is busy', { cause: err });
  return err;
}

function configure(db: Db, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.pragma('synchronous = FULL');
}

/** A logical transaction waiting for, or running in, a group. */
interface Queued {
  readonly fn: (tx: Transaction) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/** Most logical transactions one COMMIT covers (bounds how long the first one waits). */
const MAX_GROUP = 256;

export class SqlitePhysical implements Physical {
  readonly kind = 'sqlite' as const;
  private readonly writer: Statements;
  private readonly writes: Writes;
  private readonly reader: Statements;
  private readonly queue: Queued[] = [];
  /** Logical transactions (and plain writes) committed, and the COMMITs that did it. */
  private readonly counts = { transactions: 0, commits: 0 };
  /** The running group loop; undefined when idle. */
  private running: Promise<void> | undefined;
  private closed = false;

  private constructor(writeDb: Db, readDb: Db) {
    this.writer = new Statements(writeDb);
    this.writes = new Writes(writeDb);
    this.reader = new Statements(readDb);
  }

  /** Opens (creating if needed, mode 0600) the database file at `path`. */
  static open(path: string, options: SqliteOptions = {}): SqlitePhysical {
    if (path === '' || path === ':memory:' || path.startsWith('file:')) {
      throw new ArcaError('invalid_request', 'sqlite storage needs a file path');
    }
    const busy = options.busyTimeoutMs ?? 5000;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, 'a', 0o600));
    const writeDb = new Database(path);
    let readDb: Db | undefined;
    try {
      configure(writeDb, busy);
      const mode = writeDb.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`sqlite refused WAL mode (got ${String(mode)})`);
      writeDb.exec('CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID');
      readDb = new Database(path, { readonly: true });
      configure(readDb, busy);
      return new SqlitePhysical(writeDb, readDb);
    } catch (err) {
      readDb?.close();
      writeDb.close();
      throw classify(err);
    }
  }

  private check(): void {
    if (this.closed) throw new Error('sqlite storage is closed');
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.check();
    return this.reader.get(key);
  }

  async list(prefix: string): Promise<string[]> {
    this.check();
    return this.reader.list(prefix);
  }

  async scan(prefix: string, options?: ScanOptions): Promise<string[]> {
    this.check();
    return this.reader.scan(prefix, options);
  }

  put(key: string, value: Uint8Array): Promise<void> {
    this.check();
    const copy = Buffer.from(value);
    return this.enqueue(async () => this.writes.put(key, copy));
  }

  delete(key: string): Promise<void> {
    this.check();
    return this.enqueue(async () => this.writes.delete(key));
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    this.check();
    return this.enqueue(fn);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Queued writes and an open group finish first.
    while (this.running !== undefined) await this.running;
    this.reader.database.close();
    this.writer.database.close();
  }

  private enqueue<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.running !== undefined) return;
    this.running = this.runGroups().finally(() => {
      this.running = undefined;
      // Queued between the loop's last check and this callback: start again.
      if (this.queue.length > 0) this.kick();
    });
  }

  /** Runs groups until the queue is empty. */
  private async runGroups(): Promise<void> {
    while (this.queue.length > 0) await this.runGroup();
  }

  /**
   * One SQLite transaction: queued logical transactions run one after another, each in a
   * savepoint, taking newcomers until the queue is empty (or MAX_GROUP ran); then one COMMIT.
   */
  private async runGroup(): Promise<void> {
    const db = this.writer.database;
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      for (const q of this.queue.splice(0, MAX_GROUP)) q.reject(classify(err));
      return;
    }
    const done: { q: Queued; value: unknown }[] = [];
    let ran = 0;
    while (this.queue.length > 0 && ran < MAX_GROUP) {
      const q = this.queue.shift() as Queued;
      ran++;
      const tx = new SqliteTransaction(this.writer, this.writes);
      try {
        db.exec('SAVEPOINT tx');
        const value = await q.fn(tx);
        tx.close();
        db.exec('RELEASE tx');
        done.push({ q, value });
      } catch (err) {
        tx.close();
        if (db.inTransaction) {
          try {
            db.exec('ROLLBACK TO tx');
            db.exec('RELEASE tx');
          } catch {
            // The transaction itself is gone (SQLite rolled it back): the group fails below.
          }
        }
        q.reject(classify(err));
      }
      if (!db.inTransaction) break;
    }
    try {
      if (!db.inTransaction) throw new Error('sqlite rolled back the transaction');
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      for (const d of done) d.q.reject(classify(err));
      return;
    }
    this.counts.transactions += done.length;
    this.counts.commits += 1;
    for (const d of done) d.q.resolve(d.value);
  }

  /** For tests and metrics: `commits < transactions` shows group commit at work. */
  commitStats(): { transactions: number; commits: number } {
    return { ...this.counts };
  }
}
