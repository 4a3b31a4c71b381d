// src/core/leases — the reaper: walks sys/expire/at/ in key (= expiry) order up to the
// clock's now and works in batches of `batchSize` items. One transaction claims a batch:
// it reads the due index keys, deletes them and writes a revocation intent for each (so
// of several nodes sharing a database exactly one claims each item, and an intent exists
// before anything is revoked). The batch is then revoked (revokeItems: token records of
// many items per transaction, leases with a backend one by one) and the intents of the
// items that failed get their backoff in one more transaction. Afterwards the reaper
// retries intents whose backoff has passed, in the same batches. A pass of N due items
// costs O(N / batchSize) transactions for tokens. A batch that runs long renews the claims
// of the items it has not started (claim-hold.ts). Every pass does work bounded by
// `limit`, and nothing is loaded at start-up: the index lives only in storage.
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { Storage } from '../../storage/storage.js';
import { ClaimHold } from './claim-hold.js';
import { AT_PREFIX, parseAtKey } from './expire-keys.js';
import { CLAIM_MS, newClaimId } from './revocation-intents.js';
import type { RevocationIntents } from './revocation-intents.js';

export interface ExpiryReaperDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly intents: RevocationIntents;
  readonly logger: Logger | undefined;
  /**
   * Revokes claimed items (their intents are written) and clears the intents of those that
   * succeed, calling `hold.start(item)` before each and skipping the item when it answers
   * false. Returns the items that failed, with their errors: they are retried with backoff.
   */
  readonly revokeItems: (items: readonly string[], hold: ClaimHold) => Promise<ReadonlyMap<string, unknown>>;
  readonly batchSize: number;
}

interface ClaimedBatch {
  readonly items: string[];
  /** The claims' common id and end. */
  readonly claim: string;
  readonly until: number;
  /** The last index key read (the next batch starts after it). */
  readonly last: string | undefined;
  /** Nothing more is due. */
  readonly done: boolean;
}

export class ExpiryReaper {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly deps: ExpiryReaperDeps) {}

  /** Revokes up to `limit` due items (expired first, then due retries); returns how many succeeded. */
  async reapExpired(limit = 1000): Promise<number> {
    const { clock, batchSize } = this.deps;
    const now = clock.now();
    let attempted = 0;
    let revoked = 0;
    let after: string | undefined;
    while (attempted < limit) {
      const batch = await this.claimBatch(after, Math.min(batchSize, limit - attempted), now);
      attempted += batch.items.length;
      revoked += await this.finish(batch.items, batch);
      if (batch.done) break;
      after = batch.last;
    }
    if (attempted < limit) {
      const due = await this.deps.intents.claimDue(limit - attempted);
      for (let i = 0; i < due.items.length; i += batchSize) revoked += await this.finish(due.items.slice(i, i + batchSize), due);
    }
    return revoked;
  }

  /** Runs a pass every `intervalMs` on an unref'd timer; overlapping passes are skipped. */
  start(intervalMs: number, limit = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = true;
      this.reapExpired(limit)
        .catch((err: unknown) => this.deps.logger?.error({ err: errorName(err) }, 'expiry reaper pass failed'))
        .finally(() => {
          this.running = false;
        });
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Claims up to `size` due items after `after` in one transaction. The keys are read inside
   * it, so when another node claims the same keys first, the retried transaction (PostgreSQL
   * serialization failure) reads the keys that are still there.
   */
  private claimBatch(after: string | undefined, size: number, now: number): Promise<ClaimedBatch> {
    return this.deps.storage.transaction(async (tx) => {
      const claimed = { claim: newClaimId(), until: this.deps.clock.now() + CLAIM_MS };
      const keys = await tx.scan(AT_PREFIX, after === undefined ? { limit: size } : { after, limit: size });
      const items = new Set<string>();
      let last = after;
      for (const key of keys) {
        const parsed = parseAtKey(key);
        if (parsed && parsed.expireMs > now) return { items: [...items], ...claimed, last, done: true };
        last = key;
        if (!parsed) continue;
        await tx.delete(key);
        if (!items.has(parsed.item)) await this.deps.intents.begin(tx, parsed.item, claimed);
        items.add(parsed.item);
      }
      return { items: [...items], ...claimed, last, done: keys.length < size };
    });
  }

  /**
   * Revokes a claimed batch; failed items keep their intents with a backoff (unless another
   * node has claimed them since). Returns the successes.
   */
  private async finish(items: readonly string[], claimed: { readonly claim: string; readonly until: number }): Promise<number> {
    if (items.length === 0) return 0;
    const hold = new ClaimHold(this.deps.intents, this.deps.clock, items, claimed);
    const failures = new Map<string, unknown>();
    try {
      for (const [item, err] of await this.deps.revokeItems(items, hold)) failures.set(item, err);
    } catch (err) {
      for (const item of items) failures.set(item, err);
    }
    // Lost items belong to the node that claimed them since: not ours to fail or count.
    for (const item of hold.lost) failures.delete(item);
    if (failures.size > 0) {
      await this.deps.intents.failMany([...failures.keys()], hold.claim);
      for (const [item, err] of failures) {
        this.deps.logger?.warn({ item: itemLabel(item), err: errorName(err) }, 'revocation failed; will retry');
      }
    }
    return items.length - failures.size - hold.lost.size;
  }
}

/** Lease ids are safe to log; token items carry only the HMAC-derived key. */
function itemLabel(item: string): string {
  return item.length > 256 ? `${item.slice(0, 256)}...` : item;
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : 'unknown';
}
