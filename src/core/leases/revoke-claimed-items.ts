// src/core/leases — what the reaper does with a claimed batch (every item's intent is
// already written): expired tokens go to the TokenBatchRevoker together, so their records
// are deleted (and their intents cleared) many per transaction; leases go through their
// backend one by one (each an external call), each deleted with its intent in its own
// transaction; intents of leases that no longer exist are cleared in one transaction.
// Without a batch revoker (a LeaseManager used without the token store's revocation) tokens
// are revoked one by one through TokenHooks, as before batching.
import type { Storage, StorageWriter } from '../../storage/storage.js';
import type { ClaimHold } from './claim-hold.js';
import { expireKeys, parseItem } from './expire-keys.js';
import type { LeaseEntry } from './lease-entry.js';
import type { TokenBatchRevoker, TokenHooks } from './lease-manager.js';
import type { RevocationIntents } from './revocation-intents.js';

export interface ClaimedItemsDeps {
  readonly storage: Storage;
  readonly intents: RevocationIntents;
  readonly getLease: (leaseId: string) => Promise<LeaseEntry | undefined>;
  /** Revokes through the backend, then deletes the lease's records and intent. */
  readonly revokeLease: (lease: LeaseEntry) => Promise<void>;
  /** Registered after construction, so read at call time. */
  readonly tokenBatch: () => TokenBatchRevoker | undefined;
  readonly tokenHooks: () => TokenHooks | undefined;
}

/**
 * Returns the items that failed, with their errors; their intents stay for a retry. Items
 * `hold` no longer holds when their turn comes are skipped (another node has them).
 */
export async function revokeClaimedItems(deps: ClaimedItemsDeps, items: readonly string[], hold: ClaimHold): Promise<Map<string, unknown>> {
  const failures = new Map<string, unknown>();
  const tokens: string[] = [];
  const gone: string[] = [];
  for (const item of items) {
    const parsed = parseItem(item);
    if (parsed.kind === 'token') {
      tokens.push(parsed.tokenKey);
      continue;
    }
    try {
      if (!(await hold.start(item))) continue;
      const lease = await deps.getLease(parsed.leaseId);
      if (lease) await deps.revokeLease(lease);
      else gone.push(item);
    } catch (err) {
      failures.set(item, err);
    }
  }
  if (gone.length > 0) {
    await deps.storage.transaction(async (tx) => {
      for (const item of gone) await deps.intents.clear(tx, item);
    });
  }
  for (const [tokenKey, err] of await revokeTokens(deps, tokens, hold)) failures.set(expireKeys.tokenItem(tokenKey), err);
  return failures;
}

async function revokeTokens(deps: ClaimedItemsDeps, tokenKeys: readonly string[], hold: ClaimHold): Promise<Map<string, unknown>> {
  if (tokenKeys.length === 0) return new Map();
  const clear = (tx: StorageWriter, tokenKey: string): Promise<void> => deps.intents.clear(tx, expireKeys.tokenItem(tokenKey));
  const start = (tokenKey: string): Promise<boolean> => hold.start(expireKeys.tokenItem(tokenKey));
  const batch = deps.tokenBatch();
  if (batch) return batch.revokeClaimed(tokenKeys, clear, start);
  const failures = new Map<string, unknown>();
  for (const tokenKey of tokenKeys) {
    try {
      if (!(await start(tokenKey))) continue;
      const hooks = deps.tokenHooks();
      if (!hooks) throw new Error('token hooks are not registered');
      await hooks.revoke(tokenKey);
      await deps.storage.transaction((tx) => clear(tx, tokenKey));
    } catch (err) {
      failures.set(tokenKey, err);
    }
  }
  return failures;
}
