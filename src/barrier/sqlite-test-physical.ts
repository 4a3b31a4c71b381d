// src/barrier — TEST SUPPORT ONLY: a minimal SQLite-file Physical so the barrier and seal
// tests run against real files (the marker test greps the data directory) without waiting
// for src/storage/sqlite. Not a production backend: one connection, operations serialized
// through a promise chain, transactions as BEGIN IMMEDIATE … COMMIT around `fn`.
// Replace with SqlitePhysical from src/storage/sqlite once that exists.
import Database from 'better-sqlite3';
import type { Physical, ScanOptions, StorageWriter, Transaction } from '../storage/storage.js';

function childrenOf(prefix: string, keys: readonly string[]): string[] {
  const out = new Set<string>();
  for (const key of keys) {
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    out.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  return [...out].sort();
}

class Statements implements StorageWriter {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    const row = this.db.prepare('SELECT v FROM kv WHERE k = ?').get(key) as { v: Buffer } | undefined;
    return Promise.resolve(row === undefined ? undefined : new Uint8Array(row.v));
  }

  put(key: string, value: Uint8Array): Promise<void> {
    this.db.prepare('INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v').run(
      key,
      Buffer.from(value),
    );
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.db.prepare('DELETE FROM kv WHERE k = ?').run(key);
    return Promise.resolve();
  }

  async list(prefix: string): Promise<string[]> {
    return childrenOf(prefix, await this.scan(prefix));
  }

  scan(prefix: string, options: ScanOptions = {}): Promise<string[]> {
    const rows = this.db
      .prepare('SELECT k FROM kv WHERE substr(k, 1, ?) = ? AND k > ? ORDER BY k LIMIT ?')
      .all(prefix.length, prefix, options.after ?? '', options.limit ?? -1) as { k: string }[];
    return Promise.resolve(rows.map((r) => r.k));
  }
}

export class SqliteTestPhysical implements Physical {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly ops: Statements;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v BLOB NOT NULL)');
    this.ops = new Statements(this.db);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.serial(() => this.ops.get(key));
  }

  put(key: string, value: Uint8Array): Promise<void> {
    return this.serial(() => this.ops.put(key, value));
  }

  delete(key: string): Promise<void> {
    return this.serial(() => this.ops.delete(key));
  }

  list(prefix: string): Promise<string[]> {
    return this.serial(() => this.ops.list(prefix));
  }

  scan(prefix: string, options?: ScanOptions): Promise<string[]> {
    return this.serial(() => this.ops.scan(prefix, options));
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.ops);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}
