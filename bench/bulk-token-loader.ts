// bench — loads many live service tokens fast, for the start-up-with-1M-leases figure.
// TokenStore.create commits one transaction (one fsync on SQLite) per token; this writes
// the very same records it writes — sys/token/id/<key>, the accessor index and the token's
// entry in the expiry index (LeaseManager.scheduleToken) — but `batch` tokens per barrier
// transaction. Bench-only: the record shape mirrors TokenStore.mint for an orphan token.
import type { Core } from '../src/core/core.js';
import type { Clock } from '../src/lib/clock.js';
import { StorageView } from '../src/storage/storage-view.js';
import { TokenRecords } from '../src/core/tokens/token-records.js';
import type { TokenEntry } from '../src/core/tokens/token-entry.js';
import { randomId } from '../src/core/leases/lease-manager.js';

export interface BulkLoadOptions {
  readonly count: number;
  readonly ttlSeconds: number;
  readonly batch: number;
  readonly budgetMs: number;
}

/** Returns how many tokens were written before `count` or the time budget was reached. */
export async function bulkLoadTokens(core: Core, clock: Clock, options: BulkLoadOptions): Promise<number> {
  const records = new TokenRecords(new StorageView(core.barrier, ''));
  const deadline = performance.now() + options.budgetMs;
  let written = 0;
  while (written < options.count && performance.now() < deadline) {
    const size = Math.min(options.batch, options.count - written);
    const entries: TokenEntry[] = [];
    const now = clock.now();
    for (let i = 0; i < size; i++) {
      const key = await records.keyOf(`hvs.${randomId(24)}`);
      if (key === undefined) throw new Error('token key derivation failed');
      entries.push({
        id: key, accessor: randomId(24), policies: ['bench', 'default'], meta: {}, displayName: 'token',
        numUses: 0, creationTime: now, creationTtl: options.ttlSeconds, ttl: options.ttlSeconds, explicitMaxTtl: 0,
        period: 0, renewable: true, parent: '', orphan: true, path: 'auth/token/create',
        entityId: '', type: 'service', boundCidrs: [], expireTime: now + options.ttlSeconds * 1000, lastRenewalTime: 0,
      });
    }
    await records.storage.transaction(async (tx) => {
      for (const entry of entries) {
        await records.put(tx, entry);
        await records.putAccessor(tx, entry.accessor, entry.id);
        await core.leases.scheduleToken(tx, entry.id, entry.expireTime);
      }
    });
    written += size;
  }
  return written;
}
