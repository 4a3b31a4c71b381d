// bench — loads many live service tokens fast, for the start-up-with-1M-leases figure.
// TokenStore.create commits one transaction (one fsync on SQLite) per token; this writes
// the very same records it writes — sys/token/id/<key>, the accessor index and the token's
// entry in the expiry index (LeaseManager.scheduleToken), each through the real record
// writers — but `batch` tokens per barrier transaction. Bench-only: the record shape
// mirrors TokenStore.mint for an orphan token.
//
// Why it is shaped this way (profiled at 1M tokens on SQLite): token keys and accessors are
// random, so inserting them in arrival order touches a random B-tree page per record and
// the cost grows with the table. The records of a batch are first captured in memory, then
// written in key order, so consecutive inserts land on neighbouring pages; random ids come
// from one randomBytes call per batch instead of two per token; and the writes go straight
// to the barrier's transaction (no StorageView path check per record).
import { randomBytes } from 'node:crypto';
import type { Core } from '../src/core/core.js';
import type { Clock } from '../src/lib/clock.js';
import type { StorageWriter } from '../src/storage/storage.js';
import { TokenRecords } from '../src/core/tokens/token-records.js';
import type { TokenEntry } from '../src/core/tokens/token-entry.js';

export interface BulkLoadOptions {
  readonly count: number;
  readonly ttlSeconds: number;
  readonly batch: number;
  readonly budgetMs: number;
  /** Called after each committed batch with the running total (progress lines). */
  readonly onBatch?: (written: number) => void;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 24;

/** `count` base62 ids of ID_LENGTH characters (rejection-sampled, as randomId does) from few randomBytes calls. */
function randomIds(count: number): string[] {
  const out: string[] = [];
  let pool = randomBytes(count * ID_LENGTH * 2);
  let at = 0;
  while (out.length < count) {
    let id = '';
    while (id.length < ID_LENGTH) {
      if (at === pool.length) {
        pool = randomBytes(4096);
        at = 0;
      }
      const byte = pool[at++] ?? 255;
      if (byte < 248) id += ALPHABET[byte % 62];
    }
    out.push(id);
  }
  return out;
}

/** A StorageWriter that only records puts: the real record writers fill it, then it is sorted. */
class CapturedPuts implements StorageWriter {
  readonly puts: { key: string; value: Uint8Array }[] = [];

  async put(key: string, value: Uint8Array): Promise<void> {
    this.puts.push({ key, value });
  }

  async get(): Promise<Uint8Array | undefined> {
    throw new Error('bulk loader: the capture only records puts');
  }

  async list(): Promise<string[]> {
    throw new Error('bulk loader: the capture only records puts');
  }

  async scan(): Promise<string[]> {
    throw new Error('bulk loader: the capture only records puts');
  }

  async delete(): Promise<void> {
    throw new Error('bulk loader: the capture only records puts');
  }

  sorted(): { key: string; value: Uint8Array }[] {
    return this.puts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

function entryFor(key: string, accessor: string, now: number, ttlSeconds: number): TokenEntry {
  return {
    id: key, accessor, policies: ['bench', 'default'], meta: {}, displayName: 'token',
    numUses: 0, creationTime: now, creationTtl: ttlSeconds, ttl: ttlSeconds, explicitMaxTtl: 0,
    period: 0, renewable: true, parent: '', orphan: true, path: 'auth/token/create',
    entityId: '', type: 'service', boundCidrs: [], expireTime: now + ttlSeconds * 1000, lastRenewalTime: 0,
  };
}

/** The records of `size` fresh tokens, captured and sorted by key. */
async function captureBatch(core: Core, records: TokenRecords, size: number, now: number, ttlSeconds: number): Promise<CapturedPuts> {
  const tokens = randomIds(size);
  const accessors = randomIds(size);
  const capture = new CapturedPuts();
  for (let i = 0; i < size; i++) {
    const key = await records.keyOf(`hvs.${tokens[i] ?? ''}`);
    if (key === undefined) throw new Error('token key derivation failed');
    const entry = entryFor(key, accessors[i] ?? '', now, ttlSeconds);
    await records.put(capture, entry);
    await records.putAccessor(capture, entry.accessor, entry.id);
    await core.leases.scheduleToken(capture, entry.id, entry.expireTime);
  }
  return capture;
}

/** Returns how many tokens were written before `count` or the time budget was reached. */
export async function bulkLoadTokens(core: Core, clock: Clock, options: BulkLoadOptions): Promise<number> {
  const records = new TokenRecords(core.barrier);
  const deadline = performance.now() + options.budgetMs;
  let written = 0;
  while (written < options.count && performance.now() < deadline) {
    const size = Math.min(options.batch, options.count - written);
    const puts = (await captureBatch(core, records, size, clock.now(), options.ttlSeconds)).sorted();
    await core.barrier.transaction(async (tx) => {
      for (const { key, value } of puts) await tx.put(key, value);
    });
    written += size;
    options.onBatch?.(written);
  }
  return written;
}
