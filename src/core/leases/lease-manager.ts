// src/core/leases — the lease manager: every dynamic secret and every expiring token has an
// entry in the storage-resident expiry index (see expire-keys.ts). Registration, renewal and
// revocation keep the indexes consistent inside transactions; the reaper (expiry-reaper.ts)
// revokes what expires. Nothing is held in memory, so start-up costs nothing however many
// leases exist and any node sharing the database can serve any lease. Backends are reached
// only through the injected SecretRevoker; tokens only through the injected TokenHooks and
// TokenBatchRevoker (the reaper revokes expired tokens in batches, see revoke-claimed-items.ts).
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { ArcaError, isArcaError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/logger.js';
import type { Logger } from '../../lib/logger.js';
import { BackgroundTidy } from './background-tidy.js';
import type { MountConfig } from '../../framework/backend.js';
import type { ResponseSecret } from '../../framework/logical.js';
import type { Storage, StorageWriter } from '../../storage/storage.js';
import { ID_PREFIX, TOKEN_PREFIX, AT_PREFIX, expireKeys, parseAtKey, parseItem } from './expire-keys.js';
import { ExpiryReaper } from './expiry-reaper.js';
import { leaseLookupData } from './lease-entry.js';
import type { LeaseEntry, LeaseLookup } from './lease-entry.js';
import { RevocationIntents } from './revocation-intents.js';
import { revokeClaimedItems } from './revoke-claimed-items.js';
import { storedJson } from './stored-json.js';
import { calculateTtl } from './ttl-calculator.js';

/** Implemented by the core: finds the lease's mount and calls its SecretType callbacks. */
export interface SecretRevoker {
  /** `lease` already carries the renewed ttl/expireTime. */
  renew(lease: LeaseEntry): Promise<void>;
  revoke(lease: LeaseEntry): Promise<void>;
}

/** Implemented by the TokenStore (it registers itself). */
export interface TokenHooks {
  /** Revokes the token's subtree; idempotent. */
  revoke(tokenKey: string): Promise<void>;
  exists(tokenKey: string): Promise<boolean>;
}

/**
 * Implemented by the token revocation (it registers itself): revokes the subtrees of many
 * claimed tokens with few transactions. `clear(tx, tokenKey)` clears a root's intent inside
 * the transaction that deletes the root; `start(tokenKey)` is awaited before a root is
 * worked on, and a root it answers false for is skipped (another node has claimed it).
 * Returns the roots that failed (their intents stay).
 */
export interface TokenBatchRevoker {
  revokeClaimed(
    tokenKeys: readonly string[],
    clear: (tx: StorageWriter, tokenKey: string) => Promise<void>,
    start: (tokenKey: string) => Promise<boolean>,
  ): Promise<Map<string, unknown>>;
}

export interface RegisterLease {
  /** The full request path, e.g. "database/creds/readonly". */
  readonly path: string;
  readonly secret: ResponseSecret;
  readonly mountAccessor: string;
  readonly tokenKey: string;
  readonly mountConfig: MountConfig;
}

export interface LeaseManagerOptions {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly revoker: SecretRevoker;
  readonly logger?: Logger;
  /** Keys read per storage scan (default 100). */
  readonly batchSize?: number;
}

export interface LeaseTidyResult {
  readonly danglingIndexes: number;
  readonly orphanLeases: number;
}

const MAX_LEASE_ID = 2048;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Events since this node started (Prometheus counters; a live-lease count would need a scan). */
export interface LeaseStats {
  readonly registered: number;
  readonly renewed: number;
  readonly revoked: number;
  readonly reaped: number;
  readonly revokeFailures: number;
}

export class LeaseManager {
  private readonly counts = { registered: 0, renewed: 0, revoked: 0, reaped: 0, revokeFailures: 0 };
  private readonly storage: Storage;
  private readonly clock: Clock;
  private readonly revoker: SecretRevoker;
  private readonly batchSize: number;
  private readonly intents: RevocationIntents;
  private readonly reaper: ExpiryReaper;
  private tokenHooks: TokenHooks | undefined;
  private tokenBatch: TokenBatchRevoker | undefined;
  private readonly backgroundTidy: BackgroundTidy;

  constructor(options: LeaseManagerOptions) {
    this.storage = options.storage;
    this.clock = options.clock;
    this.revoker = options.revoker;
    this.batchSize = options.batchSize ?? 100;
    this.backgroundTidy = new BackgroundTidy(() => this.tidy(), options.logger ?? silentLogger);
    this.intents = new RevocationIntents(this.storage, this.clock, this.batchSize);
    this.reaper = new ExpiryReaper({
      storage: this.storage,
      clock: this.clock,
      intents: this.intents,
      logger: options.logger,
      batchSize: this.batchSize,
      revokeItems: async (items, hold) => {
        const failures = await revokeClaimedItems(
          {
            storage: this.storage,
            intents: this.intents,
            getLease: (leaseId) => this.get(leaseId),
            revokeLease: (lease) => this.revokeLease(lease),
            tokenBatch: () => this.tokenBatch,
            tokenHooks: () => this.tokenHooks,
          },
          items,
          hold,
        );
        this.counts.reaped += items.filter((item) => !failures.has(item) && !hold.lost.has(item)).length;
        return failures;
      },
    });
  }

  setTokenHooks(hooks: TokenHooks): void {
    this.tokenHooks = hooks;
  }

  /** Lets the reaper revoke expired tokens in batches (without one, it calls TokenHooks.revoke per token). */
  setTokenBatchRevoker(batch: TokenBatchRevoker): void {
    this.tokenBatch = batch;
  }

  /** Creates a lease for a dynamic secret; ttl defaults to the mount's and is capped by its max. */
  async register(input: RegisterLease): Promise<LeaseEntry> {
    const now = this.clock.now();
    const { mountConfig, secret } = input;
    const maxTtl = secret.maxTtl && secret.maxTtl > 0 && secret.maxTtl < mountConfig.maxLeaseTtl ? secret.maxTtl : mountConfig.maxLeaseTtl;
    const { ttl } = calculateTtl({
      now, startTime: now, increment: 0, backendTtl: secret.ttl, period: 0, backendMaxTtl: maxTtl, explicitMaxTtl: 0,
      defaultTtl: mountConfig.defaultLeaseTtl, maxTtl: mountConfig.maxLeaseTtl,
    });
    const lease: LeaseEntry = {
      leaseId: `${trimSlashes(input.path)}/${randomId(24)}`,
      path: input.path,
      issueTime: now,
      expireTime: now + ttl * 1000,
      lastRenewalTime: 0,
      ttl,
      maxTtl,
      renewable: secret.renewable,
      secretType: secret.type,
      internal: secret.internal,
      mountAccessor: input.mountAccessor,
      tokenKey: input.tokenKey,
    };
    checkLeaseId(lease.leaseId);
    await this.storage.transaction(async (tx) => {
      await tx.put(expireKeys.id(lease.leaseId), storedJson.encode(lease));
      await tx.put(expireKeys.at(lease.expireTime, lease.leaseId), new Uint8Array(0));
      if (lease.tokenKey !== '') await tx.put(expireKeys.token(lease.tokenKey, lease.leaseId), new Uint8Array(0));
    });
    this.counts.registered++;
    return lease;
  }

  async get(leaseId: string): Promise<LeaseEntry | undefined> {
    if (leaseId === '' || leaseId.length > MAX_LEASE_ID) return undefined;
    const bytes = await this.storage.get(expireKeys.id(leaseId));
    return bytes ? storedJson.decode<LeaseEntry>(bytes) : undefined;
  }

  /** Vault's sys/leases/lookup data, or undefined for an unknown lease. */
  async lookup(leaseId: string): Promise<LeaseLookup | undefined> {
    const lease = await this.get(leaseId);
    return lease ? leaseLookupData(lease, this.clock.now()) : undefined;
  }

  /** Children of `prefix` under the lease ids (sys/leases/lookup/<prefix> LIST). */
  async list(prefix: string): Promise<string[]> {
    if (prefix !== '' && !prefix.endsWith('/')) prefix = `${prefix}/`;
    return this.storage.list(`${ID_PREFIX}${prefix}`);
  }

  /** Extends a lease through its backend, capped by the lease's max TTL from issue. */
  async renew(leaseId: string, increment: number): Promise<{ lease: LeaseEntry; warnings: string[] }> {
    const lease = await this.get(leaseId);
    const now = this.clock.now();
    if (!lease || lease.expireTime <= now || (await this.intents.get(leaseId))) {
      throw new ArcaError('invalid_request', 'lease not found or lease is not renewable');
    }
    if (!lease.renewable) throw new ArcaError('invalid_request', 'lease is not renewable');
    const { ttl, warnings } = calculateTtl({
      now, startTime: lease.issueTime, increment, backendTtl: lease.ttl, period: 0, backendMaxTtl: lease.maxTtl,
      explicitMaxTtl: 0, defaultTtl: lease.ttl, maxTtl: lease.maxTtl,
    });
    const renewed: LeaseEntry = { ...lease, ttl, expireTime: now + ttl * 1000, lastRenewalTime: now };
    await this.revoker.renew(renewed);
    await this.storage.transaction(async (tx) => {
      const current = await tx.get(expireKeys.id(leaseId));
      if (!current || (await tx.get(expireKeys.revoking(leaseId)))) throw new ArcaError('invalid_request', 'lease not found or lease is not renewable');
      await tx.delete(expireKeys.at(lease.expireTime, leaseId));
      await tx.put(expireKeys.at(renewed.expireTime, leaseId), new Uint8Array(0));
      await tx.put(expireKeys.id(leaseId), storedJson.encode(renewed));
    });
    this.counts.renewed++;
    return { lease: renewed, warnings };
  }

  /**
   * Revokes one lease: intent first, then the backend, then every index in one transaction.
   * Returns false for an unknown lease. With `force`, indexes are removed even when the
   * backend fails (the credential may then outlive its lease: Vault's "force" semantics).
   */
  async revoke(leaseId: string, options: { force?: boolean } = {}): Promise<boolean> {
    const lease = await this.get(leaseId);
    if (!lease) return false;
    await this.storage.transaction((tx) => this.intents.begin(tx, leaseId));
    try {
      await this.revokeLease(lease);
    } catch (err) {
      this.counts.revokeFailures++;
      if (options.force) {
        await this.deleteLease(lease);
        this.counts.revoked++;
        return true;
      }
      await this.intents.fail(leaseId);
      if (isArcaError(err)) throw err;
      throw new ArcaError('internal', `failed to revoke lease ${JSON.stringify(leaseId)}`, { cause: err });
    }
    this.counts.revoked++;
    return true;
  }

  stats(): LeaseStats {
    return { ...this.counts };
  }

  /** Revokes every lease whose id starts with `prefix`; stops at the first failure unless forced. */
  async revokePrefix(prefix: string, options: { force?: boolean } = {}): Promise<number> {
    let count = 0;
    let after: string | undefined;
    for (;;) {
      const keys = await this.storage.scan(`${ID_PREFIX}${prefix}`, after === undefined ? { limit: this.batchSize } : { after, limit: this.batchSize });
      for (const key of keys) {
        after = key;
        if (await this.revoke(key.slice(ID_PREFIX.length), options)) count++;
      }
      if (keys.length < this.batchSize) return count;
    }
  }

  /**
   * Revokes the leases a token owns. A lease whose backend fails keeps its intent and is
   * retried by the reaper, so a token's revocation is never blocked by one backend.
   */
  async revokeByToken(tokenKey: string): Promise<{ revoked: number; failed: number }> {
    let revoked = 0;
    let failed = 0;
    let after: string | undefined;
    const prefix = expireKeys.tokenLeases(tokenKey);
    for (;;) {
      const keys = await this.storage.scan(prefix, after === undefined ? { limit: this.batchSize } : { after, limit: this.batchSize });
      for (const key of keys) {
        after = key;
        const leaseId = key.slice(prefix.length);
        try {
          if (await this.revoke(leaseId)) revoked++;
          else await this.storage.delete(key);
        } catch {
          failed++;
        }
      }
      if (keys.length < this.batchSize) return { revoked, failed };
    }
  }

  /** Adds/moves a token's own expiry entry inside the caller's transaction (0 = none). */
  async scheduleToken(tx: StorageWriter, tokenKey: string, expireMs: number, previousMs = 0): Promise<void> {
    const item = expireKeys.tokenItem(tokenKey);
    if (previousMs > 0) await tx.delete(expireKeys.at(previousMs, item));
    if (expireMs > 0) await tx.put(expireKeys.at(expireMs, item), new Uint8Array(0));
  }

  /**
   * Runs a token revocation under an intent: a crash or failure leaves the intent and the
   * reaper calls TokenHooks.revoke again later.
   */
  async withTokenIntent(tokenKey: string, fn: () => Promise<void>): Promise<void> {
    const item = expireKeys.tokenItem(tokenKey);
    await this.storage.transaction((tx) => this.intents.begin(tx, item));
    try {
      await fn();
    } catch (err) {
      await this.intents.fail(item);
      throw err;
    }
    await this.storage.transaction((tx) => this.intents.clear(tx, item));
  }

  reapExpired(limit = 1000): Promise<number> {
    return this.reaper.reapExpired(limit);
  }

  start(intervalMs = 5000): void {
    this.reaper.start(intervalMs);
  }

  stop(): void {
    this.reaper.stop();
  }

  /** Starts tidy() in the background unless one runs already (see BackgroundTidy). */
  startTidy(): Promise<void> {
    return this.backgroundTidy.start();
  }

  /** Removes index entries that point at nothing and revokes leases whose token is gone. */
  async tidy(): Promise<LeaseTidyResult> {
    let danglingIndexes = 0;
    let orphanLeases = 0;
    await this.forEachKey(TOKEN_PREFIX, async (key) => {
      const rest = key.slice(TOKEN_PREFIX.length);
      const leaseId = rest.slice(rest.indexOf('/') + 1);
      if (!(await this.storage.get(expireKeys.id(leaseId)))) {
        await this.storage.delete(key);
        danglingIndexes++;
      }
    });
    await this.forEachKey(AT_PREFIX, async (key) => {
      const parsed = parseAtKey(key);
      const item = parsed ? parseItem(parsed.item) : undefined;
      if (item?.kind === 'token') return;
      if (!item || !(await this.storage.get(expireKeys.id(item.leaseId)))) {
        await this.storage.delete(key);
        danglingIndexes++;
      }
    });
    const hooks = this.tokenHooks;
    if (hooks) {
      await this.forEachKey(ID_PREFIX, async (key) => {
        const lease = await this.get(key.slice(ID_PREFIX.length));
        if (lease && lease.tokenKey !== '' && !(await hooks.exists(lease.tokenKey))) {
          try {
            if (await this.revoke(lease.leaseId)) orphanLeases++;
          } catch {
            // Left with its intent; the reaper retries it.
          }
        }
      });
    }
    return { danglingIndexes, orphanLeases };
  }

  private async forEachKey(prefix: string, fn: (key: string) => Promise<void>): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const keys = await this.storage.scan(prefix, after === undefined ? { limit: this.batchSize } : { after, limit: this.batchSize });
      for (const key of keys) {
        after = key;
        await fn(key);
      }
      if (keys.length < this.batchSize) return;
    }
  }

  private async revokeLease(lease: LeaseEntry): Promise<void> {
    await this.revoker.revoke(lease);
    await this.deleteLease(lease);
  }

  private deleteLease(lease: LeaseEntry): Promise<void> {
    return this.storage.transaction(async (tx) => {
      await tx.delete(expireKeys.id(lease.leaseId));
      await tx.delete(expireKeys.at(lease.expireTime, lease.leaseId));
      if (lease.tokenKey !== '') await tx.delete(expireKeys.token(lease.tokenKey, lease.leaseId));
      await this.intents.clear(tx, lease.leaseId);
    });
  }
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

function checkLeaseId(leaseId: string): void {
  if (leaseId.length > MAX_LEASE_ID) throw new ArcaError('invalid_request', 'request path too long for a lease id');
}

/** Random base62 id of `length` characters (rejection sampling keeps it unbiased). */
export function randomId(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ID_ALPHABET[byte % 62];
    }
  }
  return out;
}
