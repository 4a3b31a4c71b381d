// src/core/leases — revocation intents at sys/expire/revoking/<item>. An intent is written
// before anything external is touched (a backend revoking a credential, a token subtree
// being torn down) and deleted in the same transaction that removes the item's indexes, so
// a crash or a failing backend leaves it behind and the reaper retries it. `nextAttemptAt`
// doubles as a claim: whoever moves it into the future owns the item until then, so nodes
// sharing a database never work on the same intent at once.
//
// The reaper works in batches: claims, renewals, failures and retries of many items each
// take one transaction (`chunk` items at most), never one per item. All claims of one
// batch carry the same random `claim` id: an item whose record still carries it has not
// been claimed by anyone else since, which is how a batch that runs long renews (and
// records failures for) only what it still owns (see claim-hold.ts).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Storage, StorageWriter } from '../../storage/storage.js';
import { REVOKING_PREFIX, expireKeys } from './expire-keys.js';
import { storedJson } from './stored-json.js';

export interface IntentRecord {
  readonly attempts: number;
  /** Epoch ms before which nobody else may work on the item. */
  readonly nextAttemptAt: number;
  readonly createdAt: number;
  /** The id of the reaper batch holding the claim (absent for a single revocation). */
  readonly claim?: string;
}

/** Intents claimed together: all under `claim`, until `until`. */
export interface ClaimedIntents {
  readonly items: string[];
  readonly claim: string;
  readonly until: number;
}

/** A fresh id for the claims of one batch. */
export function newClaimId(): string {
  return randomUUID();
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
    /** Most items one claim, renewal or failure transaction touches. */
    private readonly chunk = 100,
  ) {}

  /**
   * Writes (or refreshes) the claimed intent for `item`, keeping its attempt count. A batch
   * claim names its batch and its end; a single revocation holds CLAIM_MS from now.
   */
  async begin(tx: StorageWriter, item: string, batch?: { readonly claim: string; readonly until: number }): Promise<void> {
    const key = expireKeys.revoking(item);
    const old = await tx.get(key);
    const prev = old ? storedJson.decode<IntentRecord>(old) : undefined;
    const now = this.clock.now();
    const base = { attempts: prev?.attempts ?? 0, createdAt: prev?.createdAt ?? now };
    const record: IntentRecord = batch ? { ...base, nextAttemptAt: batch.until, claim: batch.claim } : { ...base, nextAttemptAt: now + CLAIM_MS };
    await tx.put(key, storedJson.encode(record));
  }

  async clear(tx: StorageWriter, item: string): Promise<void> {
    await tx.delete(expireKeys.revoking(item));
  }

  /** Records a failed attempt: the item is retried after an exponential backoff (a cleared intent stays cleared). */
  fail(item: string): Promise<void> {
    return this.failMany([item]);
  }

  /**
   * `fail` for many items, `chunk` per transaction. With `claim`, an item whose intent is no
   * longer under that claim is skipped: someone else has claimed it since, and owns it.
   */
  async failMany(items: readonly string[], claim?: string): Promise<void> {
    for (const part of chunks(items, this.chunk)) {
      await this.storage.transaction(async (tx) => {
        for (const item of part) await this.failIn(tx, item, claim);
      });
    }
  }

  /**
   * Extends to `until` the intents of `items` still under `claim`, in one transaction per
   * chunk. Returns the items renewed; the others were finished or claimed by someone else.
   */
  async renew(items: readonly string[], claim: string, until: number): Promise<Set<string>> {
    const held = new Set<string>();
    for (const part of chunks(items, this.chunk)) {
      const mine = await this.storage.transaction(async (tx) => {
        const renewed: string[] = [];
        for (const item of part) {
          const key = expireKeys.revoking(item);
          const bytes = await tx.get(key);
          const record = bytes ? storedJson.decode<IntentRecord>(bytes) : undefined;
          if (record?.claim !== claim) continue;
          await tx.put(key, storedJson.encode({ ...record, nextAttemptAt: until }));
          renewed.push(item);
        }
        return renewed;
      });
      for (const item of mine) held.add(item);
    }
    return held;
  }

  async get(item: string): Promise<IntentRecord | undefined> {
    const bytes = await this.storage.get(expireKeys.revoking(item));
    return bytes ? storedJson.decode<IntentRecord>(bytes) : undefined;
  }

  /**
   * Claims up to `limit` intents whose retry time has come, reading at most `limit` records
   * per call (bounded work however many intents exist), `chunk` claims per transaction.
   * Each claim re-reads the record inside its transaction, so of several nodes scanning
   * the same intents exactly one claims each.
   */
  async claimDue(limit: number): Promise<ClaimedIntents> {
    const keys = await this.storage.scan(REVOKING_PREFIX, this.cursor === undefined ? { limit } : { after: this.cursor, limit });
    this.cursor = keys.length < limit ? undefined : keys.at(-1);
    const now = this.clock.now();
    const batch = { claim: newClaimId(), until: now + CLAIM_MS };
    const items: string[] = [];
    for (const part of chunks(keys, this.chunk)) {
      // Re-run from scratch if the backend retries the transaction.
      const won = await this.storage.transaction(async (tx) => {
        const mine: string[] = [];
        for (const key of part) {
          const bytes = await tx.get(key);
          if (!bytes || storedJson.decode<IntentRecord>(bytes).nextAttemptAt > now) continue;
          const item = key.slice(REVOKING_PREFIX.length);
          await this.begin(tx, item, batch);
          mine.push(item);
        }
        return mine;
      });
      items.push(...won);
    }
    return { items, ...batch };
  }

  private async failIn(tx: StorageWriter, item: string, claim: string | undefined): Promise<void> {
    const key = expireKeys.revoking(item);
    const old = await tx.get(key);
    // Gone: the item was finished (its intent cleared) before the failure was reported.
    if (!old) return;
    const prev = storedJson.decode<IntentRecord>(old);
    if (claim !== undefined && prev.claim !== claim) return;
    const attempts = prev.attempts + 1;
    const delay = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(attempts - 1, 20));
    // No claim id: the backoff is free for anyone (any node) to claim once it has passed.
    const record: IntentRecord = { attempts, nextAttemptAt: this.clock.now() + delay, createdAt: prev.createdAt };
    await tx.put(key, storedJson.encode(record));
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
