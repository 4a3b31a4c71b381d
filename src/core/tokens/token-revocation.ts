// src/core/tokens — tearing tokens down. A subtree is revoked children-first (see
// token-batch-revocation.ts) under a revocation intent held by the LeaseManager, so a crash
// part-way leaves the intent and the reaper finishes the job. Revoking one token: its
// leases, then the `onRevoked` hook (cubbyhole), then its records and index entries. Every
// step is idempotent.
//
// The reaper revokes expired tokens in batches: this class registers itself with the
// LeaseManager as its TokenBatchRevoker, so a reaper pass deletes the records of many
// tokens (and clears their intents) in one transaction instead of several per token.
import type { StorageWriter } from '../../storage/storage.js';
import type { LeaseManager, TokenBatchRevoker } from '../leases/lease-manager.js';
import type { TokenRecords } from './token-records.js';
import { tokenKeys } from './token-records.js';
import { TokenBatchRevocation } from './token-batch-revocation.js';

export interface TokenRevocationDeps {
  readonly records: TokenRecords;
  readonly leases: LeaseManager;
  readonly onRevoked: (tokenKey: string) => Promise<void>;
  readonly batchSize: number;
}

/** withTokenIntent clears the single tree's intent itself. */
const NO_CLEAR = async (): Promise<void> => undefined;

export class TokenRevocation implements TokenBatchRevoker {
  private readonly batch: TokenBatchRevocation;

  constructor(private readonly deps: TokenRevocationDeps) {
    this.batch = new TokenBatchRevocation(deps);
    deps.leases.setTokenBatchRevoker(this);
  }

  /** Revokes `rootKey` and every descendant, children first. */
  revokeTree(rootKey: string): Promise<void> {
    return this.deps.leases.withTokenIntent(rootKey, async () => {
      const failures = await this.batch.revokeSubtrees([rootKey], NO_CLEAR);
      if (failures.has(rootKey)) throw failures.get(rootKey);
    });
  }

  /** TokenBatchRevoker: the reaper's claimed tokens (their intents are held by the caller). */
  revokeClaimed(
    roots: readonly string[],
    clear: (tx: StorageWriter, tokenKey: string) => Promise<void>,
    start: (tokenKey: string) => Promise<boolean>,
  ): Promise<Map<string, unknown>> {
    return this.batch.revokeSubtrees(roots, clear, start);
  }

  /**
   * Revokes the subtrees of many roots with batched transactions, for callers whose own
   * durable record stands in for the intent (the auth mount index): `clear` deletes it in
   * the transaction that deletes each root. Throws the first failure once all were tried.
   */
  async revokeRoots(roots: readonly string[], clear: (tx: StorageWriter, tokenKey: string) => Promise<void>): Promise<void> {
    const failures = await this.batch.revokeSubtrees(roots, clear);
    for (const err of failures.values()) throw err;
  }

  /** Makes the children orphans, then revokes the token alone. */
  async revokeOrphan(tokenKey: string): Promise<void> {
    const { records } = this.deps;
    const prefix = tokenKeys.children(tokenKey);
    for (;;) {
      const links = await records.storage.scan(prefix, { limit: this.deps.batchSize });
      if (links.length === 0) break;
      // One transaction per page of children, not one per child.
      await records.storage.transaction(async (tx) => {
        for (const link of links) {
          const child = await records.get(link.slice(prefix.length), tx);
          if (child) await records.put(tx, { ...child, parent: '', orphan: true });
          await tx.delete(link);
        }
      });
    }
    await this.revokeTree(tokenKey);
  }
}
