// src/core/leases — revocation intents at sys/expire/revoking/<item>. An intent is written
// before anything external is touched (a backend revoking a credential, a token subtree
// being torn down) and deleted in the same transaction that removes the item's indexes, so
// a crash or a failing backend leaves it behind and the reaper retries it. `nextAttemptAt`
// doubles as a claim: whoever moves it into the future owns the item until then, so nodes
// sharing a database never work on the same intent at once.
import type { Clock } from '../../lib/clock.js';
import type { Storage, StorageWriter } from '../../storage/storage.js';
import { REVOKING_PREFIX, expireKeys } from './expire-keys.js';
import { storedJson } from './stored-json.js';

export interface IntentRecord {
  readonly attempts: number;
  /** Epoch ms before which nobody else may work on the item. */
  readonly nextAttemptAt: number;
  readonly createdAt: number;
}

/** How long a claim holds while one node revokes an item. */
export const CLAIM_MS = 60_000;
const BASE_BACKOFF_MS = 10_000;
const MAX_BACKOFF_MS = 3_600_000;

export class RevocationIntents {
  /** Where the last retry pass stopped, so passes walk all intents round-robin. */
  private cursor: string | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  /** Writes (or refreshes) the claimed intent for `item`, keeping its attempt count. */
  async begin(tx: StorageWriter, item: string): Promise<void> {
    const key = expireKeys.revoking(item);
    const now = this.clock.now();
    const old = await tx.get(key);
    const prev = old ? storedJson.decode<IntentRecord>(old) : undefined;
    const record: IntentRecord = { attempts: prev?.attempts ?? 0, nextAttemptAt: now + CLAIM_MS, createdAt: prev?.createdAt ?? now };
    await tx.put(key, storedJson.encode(record));
  }

  async clear(tx: StorageWriter, item: string): Promise<void> {
    await tx.delete(expireKeys.revoking(item));
  }

  /** Records a failed attempt: the item is retried after an exponential backoff. */
  async fail(item: string): Promise<void> {
    const key = expireKeys.revoking(item);
    await this.storage.transaction(async (tx) => {
      const old = await tx.get(key);
      const prev = old ? storedJson.decode<IntentRecord>(old) : undefined;
      const attempts = (prev?.attempts ?? 0) + 1;
      const delay = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(attempts - 1, 20));
      const now = this.clock.now();
      await tx.put(key, storedJson.encode({ attempts, nextAttemptAt: now + delay, createdAt: prev?.createdAt ?? now }));
    });
  }

  async get(item: string): Promise<IntentRecord | undefined> {
    const bytes = await this.storage.get(expireKeys.revoking(item));
    return bytes ? storedJson.decode<IntentRecord>(bytes) : undefined;
  }

  /**
   * Claims up to `limit` intents whose retry time has come, reading at most `limit` records
   * per call (bounded work however many intents exist). Returns the claimed items.
   */
  async claimDue(limit: number): Promise<string[]> {
    const keys = await this.storage.scan(REVOKING_PREFIX, this.cursor === undefined ? { limit } : { after: this.cursor, limit });
    this.cursor = keys.length < limit ? undefined : keys.at(-1);
    const claimed: string[] = [];
    for (const key of keys) {
      const item = key.slice(REVOKING_PREFIX.length);
      const ok = await this.storage.transaction(async (tx) => {
        const bytes = await tx.get(key);
        if (!bytes) return false;
        const record = storedJson.decode<IntentRecord>(bytes);
        if (record.nextAttemptAt > this.clock.now()) return false;
        await this.begin(tx, item);
        return true;
      });
      if (ok) claimed.push(item);
    }
    return claimed;
  }
}
