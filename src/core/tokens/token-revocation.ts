// src/core/tokens — tearing tokens down. A subtree is revoked children-first with an
// explicit stack (depth is unbounded, recursion is not) under a revocation intent held by
// the LeaseManager, so a crash part-way leaves the intent and the reaper finishes the job.
// Revoking one token: its leases, then the `onRevoked` hook (cubbyhole), then its records
// and index entries in one transaction. Every step is idempotent.
import type { LeaseManager } from '../leases/lease-manager.js';
import type { TokenRecords } from './token-records.js';
import { tokenKeys } from './token-records.js';

export interface TokenRevocationDeps {
  readonly records: TokenRecords;
  readonly leases: LeaseManager;
  readonly onRevoked: (tokenKey: string) => Promise<void>;
  readonly batchSize: number;
}

export class TokenRevocation {
  constructor(private readonly deps: TokenRevocationDeps) {}

  /** Revokes `rootKey` and every descendant, children first. */
  revokeTree(rootKey: string): Promise<void> {
    return this.deps.leases.withTokenIntent(rootKey, () => this.walk(rootKey));
  }

  /** Makes the children orphans, then revokes the token alone. */
  async revokeOrphan(tokenKey: string): Promise<void> {
    const { records } = this.deps;
    const prefix = tokenKeys.children(tokenKey);
    for (;;) {
      const links = await records.storage.scan(prefix, { limit: this.deps.batchSize });
      if (links.length === 0) break;
      for (const link of links) {
        const childKey = link.slice(prefix.length);
        await records.storage.transaction(async (tx) => {
          const child = await records.get(childKey, tx);
          if (child) await records.put(tx, { ...child, parent: '', orphan: true });
          await tx.delete(link);
        });
      }
    }
    await this.revokeTree(tokenKey);
  }

  private async walk(rootKey: string): Promise<void> {
    const storage = this.deps.records.storage;
    const stack = [rootKey];
    const onStack = new Set(stack);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as string;
      const prefix = tokenKeys.children(top);
      const [link] = await storage.scan(prefix, { limit: 1 });
      if (link !== undefined) {
        const child = link.slice(prefix.length);
        // A cycle can only come from corrupted storage; cutting the link ends the walk.
        if (onStack.has(child)) await storage.delete(link);
        else {
          stack.push(child);
          onStack.add(child);
        }
        continue;
      }
      await this.revokeOne(top);
      stack.pop();
      onStack.delete(top);
    }
  }

  private async revokeOne(tokenKey: string): Promise<void> {
    const { records, leases } = this.deps;
    await leases.revokeByToken(tokenKey);
    await this.deps.onRevoked(tokenKey);
    await records.storage.transaction(async (tx) => {
      const entry = await records.get(tokenKey, tx);
      if (entry) {
        await tx.delete(tokenKeys.accessor(entry.accessor));
        if (entry.parent !== '') await tx.delete(tokenKeys.child(entry.parent, tokenKey));
        await leases.scheduleToken(tx, tokenKey, 0, entry.expireTime);
      }
      await tx.delete(tokenKeys.id(tokenKey));
    });
  }
}
