// src/core/leases — a reaper batch's hold on the claims it took in one transaction. Every
// claim of the batch holds for CLAIM_MS; the items are worked on one after the other, so a
// batch whose backends are slow could outlive its claims and let another node claim (and
// revoke) the same item. Before each item is started, `start` checks the clock: once half
// the claim time has passed, it renews in one transaction the claims of every item not yet
// started, keeping only those still under this batch's claim id (the others were claimed by
// someone else since: they are lost to this batch, neither revoked nor failed here).
import type { Clock } from '../../lib/clock.js';
import { CLAIM_MS } from './revocation-intents.js';
import type { RevocationIntents } from './revocation-intents.js';

export class ClaimHold {
  /** Claimed and not started yet: what a renewal covers. */
  private readonly pending: Set<string>;
  private readonly lostItems = new Set<string>();
  private until: number;

  constructor(
    private readonly intents: RevocationIntents,
    private readonly clock: Clock,
    items: readonly string[],
    claimed: { readonly claim: string; readonly until: number },
  ) {
    this.pending = new Set(items);
    this.claim = claimed.claim;
    this.until = claimed.until;
  }

  /** The batch's claim id, carried by every intent it still holds. */
  readonly claim: string;

  /** Call before working on `item`: false when it is no longer this batch's to revoke. */
  async start(item: string): Promise<boolean> {
    const now = this.clock.now();
    if (this.pending.has(item) && now >= this.until - CLAIM_MS / 2) {
      const next = now + CLAIM_MS;
      const held = await this.intents.renew([...this.pending], this.claim, next);
      this.until = next;
      for (const p of [...this.pending]) {
        if (held.has(p)) continue;
        this.pending.delete(p);
        this.lostItems.add(p);
      }
    }
    if (this.lostItems.has(item)) return false;
    this.pending.delete(item);
    return true;
  }

  /** Items another node claimed before this batch started them. */
  get lost(): ReadonlySet<string> {
    return this.lostItems;
  }
}
