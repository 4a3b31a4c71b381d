// src/core/leases — the reaper: walks sys/expire/at/ in key (= expiry) order up to the
// clock's now, claims each item by deleting its index key and writing a revocation intent
// in one transaction (so of several nodes sharing a database exactly one wins), then
// revokes it; afterwards it retries intents whose backoff has passed. Every pass does work
// bounded by `limit`, and nothing is loaded at start-up: the index lives only in storage.
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { Storage } from '../../storage/storage.js';
import { AT_PREFIX, parseAtKey } from './expire-keys.js';
import type { RevocationIntents } from './revocation-intents.js';

export interface ExpiryReaperDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly intents: RevocationIntents;
  readonly logger: Logger | undefined;
  /** Revokes a claimed item and clears its intent; throws when it must be retried. */
  readonly revokeItem: (item: string) => Promise<void>;
  readonly batchSize: number;
}

export class ExpiryReaper {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly deps: ExpiryReaperDeps) {}

  /** Revokes up to `limit` due items (expired first, then due retries); returns how many succeeded. */
  async reapExpired(limit = 1000): Promise<number> {
    const { storage, clock, batchSize } = this.deps;
    const now = clock.now();
    let attempted = 0;
    let revoked = 0;
    let after: string | undefined;
    scanning: while (attempted < limit) {
      const size = Math.min(batchSize, limit - attempted);
      const keys = await storage.scan(AT_PREFIX, after === undefined ? { limit: size } : { after, limit: size });
      if (keys.length === 0) break;
      for (const key of keys) {
        after = key;
        const parsed = parseAtKey(key);
        if (!parsed) continue;
        if (parsed.expireMs > now) break scanning;
        if (!(await this.claim(key, parsed.item))) continue;
        attempted++;
        if (await this.finish(parsed.item)) revoked++;
        if (attempted >= limit) break scanning;
      }
      if (keys.length < size) break;
    }
    if (attempted < limit) {
      for (const item of await this.deps.intents.claimDue(limit - attempted)) {
        if (await this.finish(item)) revoked++;
      }
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

  private claim(atKey: string, item: string): Promise<boolean> {
    return this.deps.storage.transaction(async (tx) => {
      if (!(await tx.get(atKey))) return false;
      await tx.delete(atKey);
      await this.deps.intents.begin(tx, item);
      return true;
    });
  }

  private async finish(item: string): Promise<boolean> {
    try {
      await this.deps.revokeItem(item);
      return true;
    } catch (err) {
      await this.deps.intents.fail(item);
      this.deps.logger?.warn({ item: itemLabel(item), err: errorName(err) }, 'revocation failed; will retry');
      return false;
    }
  }
}

/** Lease ids are safe to log; token items carry only the HMAC-derived key. */
function itemLabel(item: string): string {
  return item.length > 256 ? `${item.slice(0, 256)}...` : item;
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : 'unknown';
}
