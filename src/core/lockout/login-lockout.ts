// src/core/lockout — failed-login counting per (auth mount, account), kept above the barrier
// at sys/lockout/<mount accessor>/<sha256(account)> so a lock holds on every node. Unknown
// accounts are counted exactly like real ones: a lockout says nothing about existence. The
// account name is stored (encrypted) inside the record for sys/locked-users, never in a key.
import { createHash } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { StorageView } from '../../storage/storage-view.js';
import type { ResolvedLockoutConfig } from './lockout-config.js';

interface FailureRecord {
  readonly account: string;
  readonly failures: number;
  readonly lastFailure: number;
  /** Epoch ms; 0 when not locked. */
  readonly lockedUntil: number;
}

const PREFIX = 'sys/lockout/';

export class LoginLockout {
  private readonly storage: StorageView;
  private readonly clock: Clock;

  constructor(storage: StorageView, clock: Clock) {
    this.storage = storage;
    this.clock = clock;
  }

  async isLocked(mountAccessor: string, account: string, cfg: ResolvedLockoutConfig): Promise<boolean> {
    if (cfg.disabled) return false;
    const r = await this.storage.getJson<FailureRecord>(key(mountAccessor, account));
    return r !== undefined && r.lockedUntil > this.clock.now();
  }

  /** Counts a failure; locks the account when the threshold is reached. */
  async recordFailure(mountAccessor: string, account: string, cfg: ResolvedLockoutConfig): Promise<void> {
    if (cfg.disabled) return;
    const now = this.clock.now();
    await this.storage.transaction(async (tx) => {
      const k = key(mountAccessor, account);
      const prev = await tx.getJson<FailureRecord>(k);
      const fresh = !prev || now - prev.lastFailure > cfg.counterResetMs || (prev.lockedUntil !== 0 && prev.lockedUntil <= now);
      const failures = (fresh ? 0 : prev.failures) + 1;
      const lockedUntil = failures >= cfg.threshold ? now + cfg.durationMs : 0;
      await tx.putJson(k, { account, failures, lastFailure: now, lockedUntil } satisfies FailureRecord);
    });
  }

  async recordSuccess(mountAccessor: string, account: string): Promise<void> {
    const k = key(mountAccessor, account);
    if (await this.storage.get(k)) await this.storage.delete(k);
  }

  /** Accounts locked now, by mount accessor (Vault's sys/locked-users). */
  async lockedAccounts(): Promise<Map<string, string[]>> {
    const now = this.clock.now();
    const out = new Map<string, string[]>();
    for (const k of await this.storage.scan(PREFIX)) {
      const r = await this.storage.getJson<FailureRecord>(k);
      if (!r || r.lockedUntil <= now) continue;
      const accessor = k.slice(PREFIX.length).split('/')[0] ?? '';
      out.set(accessor, [...(out.get(accessor) ?? []), r.account]);
    }
    return out;
  }

  async unlock(mountAccessor: string, account: string): Promise<void> {
    await this.storage.delete(key(mountAccessor, account));
  }
}

function key(mountAccessor: string, account: string): string {
  return `${PREFIX}${mountAccessor}/${createHash('sha256').update(account, 'utf8').digest('hex')}`;
}
