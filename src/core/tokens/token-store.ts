// src/core/tokens — the token store (Vault's auth/token): mints service tokens, resolves a
// raw token to its entry (by HMAC, never by string comparison), counts uses, renews and
// revokes. Sits on a Storage above the barrier and on the LeaseManager, which indexes each
// expiring token in sys/expire/at/ so the same reaper revokes tokens and leases; the store
// registers itself as the manager's TokenHooks. `onRevoked(tokenKey)` lets per-token data
// (cubbyhole) be dropped when a token dies. Login tokens remember the auth mount that minted
// them (its accessor, indexed by range) so disabling the mount revokes them.
import type { Clock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import type { MountConfig } from '../../framework/backend.js';
import type { RequestAuth, ResponseAuth } from '../../framework/logical.js';
import type { Storage } from '../../storage/storage.js';
import type { LeaseManager } from '../leases/lease-manager.js';
import { randomId } from '../leases/lease-manager.js';
import { calculateTtl } from '../leases/ttl-calculator.js';
import { resolveCreate, sanitizePolicies } from './token-create-rules.js';
import type { CreateTokenParams } from './token-create-rules.js';
import { isLive } from './token-entry.js';
import type { TokenEntry } from './token-entry.js';
import type { TokenRenewalTerms } from './token-renewal-terms.js';
import { TokenRecords, tokenKeys, ACCESSOR_PREFIX, ID_PREFIX, isIndexableAccessor } from './token-records.js';
import { identityLookupFields, lookupResponse, toRequestAuth } from './token-response.js';
import { TokenRevocation } from './token-revocation.js';
import { tidyTokens } from './token-tidy.js';
import type { TokenTidyResult } from './token-tidy.js';

export type { CreateTokenParams } from './token-create-rules.js';

export interface TokenStoreOptions {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly leases: LeaseManager;
  /** Limits of the auth/token mount (default: Vault's 768h / 768h). */
  readonly config?: () => MountConfig;
  readonly onRevoked?: (tokenKey: string) => Promise<void>;
  readonly batchSize?: number;
  /**
   * The entity's and its groups' policies (Vault's identity_policies) for token lookups;
   * without it lookups show none.
   */
  readonly identityPolicies?: (entityId: string) => Promise<readonly string[]>;
}

export interface CreatedToken {
  /** The raw token: returned once to the creator, never stored. */
  readonly token: string;
  readonly entry: TokenEntry;
  readonly warnings: string[];
}

/** The result of counting one use: `exhausted` means revoke the token after this request. */
export interface TokenUse {
  readonly entry: TokenEntry;
  readonly exhausted: boolean;
}

export const DEFAULT_TOKEN_CONFIG: MountConfig = { defaultLeaseTtl: 768 * 3600, maxLeaseTtl: 768 * 3600 };

/** Index entries read (and token trees revoked) per round when a mount's tokens are revoked. */
const MOUNT_REVOKE_PAGE = 500;

/** What a login records on its token besides the ResponseAuth. */
export interface LoginTokenContext {
  /** The login request path ("auth/userpass/login/alice"). */
  readonly path: string;
  /** The accessor of the auth mount that accepted the login. */
  readonly mountAccessor: string;
  readonly mountConfig: MountConfig;
  readonly entityId?: string;
}

export class TokenStore {
  private readonly records: TokenRecords;
  private readonly clock: Clock;
  private readonly leases: LeaseManager;
  private readonly config: () => MountConfig;
  private readonly revocation: TokenRevocation;
  private readonly batchSize: number;
  private readonly identityPolicies: ((entityId: string) => Promise<readonly string[]>) | undefined;
  private readonly requestAuths = new WeakMap<TokenEntry, RequestAuth>();

  constructor(options: TokenStoreOptions) {
    this.records = new TokenRecords(options.storage);
    this.clock = options.clock;
    this.leases = options.leases;
    this.config = options.config ?? (() => DEFAULT_TOKEN_CONFIG);
    this.batchSize = options.batchSize ?? 100;
    this.identityPolicies = options.identityPolicies;
    const onRevoked = options.onRevoked ?? (async () => undefined);
    this.revocation = new TokenRevocation({ records: this.records, leases: this.leases, onRevoked, batchSize: this.batchSize });
    this.leases.setTokenHooks({
      revoke: (tokenKey) => this.revocation.revokeTree(tokenKey),
      exists: async (tokenKey) => (await this.records.get(tokenKey)) !== undefined,
    });
  }

  /** Creates a token under Vault's rules; `sudo` is the caller's sudo capability on the path. */
  async create(params: CreateTokenParams, parent: TokenEntry | undefined, options: { sudo?: boolean } = {}): Promise<CreatedToken> {
    const resolved = resolveCreate(params, parent, options.sudo ?? false, this.config());
    const created = await this.mint({
      ...params,
      policies: resolved.policies,
      ttl: resolved.ttl,
      orphan: resolved.orphan,
      parentKey: resolved.parent,
      displayName: resolved.displayName,
      entityId: resolved.entityId,
      boundCidrs: resolved.boundCidrs,
      path: params.path ?? (params.orphan ? 'auth/token/create-orphan' : 'auth/token/create'),
    });
    return { ...created, warnings: resolved.warnings };
  }

  /** A root token for init/dev (`--dev-root-token-id` chooses its id); never expires. */
  createRoot(id?: string): Promise<CreatedToken> {
    if (id !== undefined && (id === '' || id.length > 256)) throw new ArcaError('invalid_request', 'root token id must be 1 to 256 characters');
    return this.mint({ ...(id === undefined ? {} : { id }), policies: ['root'], ttl: 0, orphan: true, parentKey: '', displayName: 'root', path: 'auth/token/root', renewable: false });
  }

  /**
   * Mints the token for a successful login (ResponseAuth from an auth method): an orphan,
   * recording the mount's accessor (indexed) and the method's `internal` data.
   */
  async createForLogin(auth: ResponseAuth, context: LoginTokenContext): Promise<CreatedToken> {
    if (!isIndexableAccessor(context.mountAccessor)) throw new ArcaError('invalid_request', 'invalid auth mount accessor');
    const config = context.mountConfig;
    const startTtl = auth.period > 0 ? auth.period : auth.ttl > 0 ? auth.ttl : config.defaultLeaseTtl;
    const { ttl, warnings } = calculateTtl({
      now: this.clock.now(), startTime: this.clock.now(), increment: startTtl, backendTtl: 0, period: auth.period,
      backendMaxTtl: auth.maxTtl, explicitMaxTtl: auth.explicitMaxTtl, defaultTtl: config.defaultLeaseTtl, maxTtl: config.maxLeaseTtl,
    });
    const created = await this.mint({
      policies: sanitizePolicies(auth.policies, true), ttl, orphan: true, parentKey: '', displayName: auth.displayName,
      meta: auth.metadata, path: context.path, entityId: context.entityId ?? '', numUses: auth.numUses, period: auth.period,
      explicitMaxTtl: auth.explicitMaxTtl, renewable: auth.renewable, boundCidrs: auth.boundCidrs,
      mountAccessor: context.mountAccessor, ...(auth.internal ? { internal: auth.internal } : {}),
    });
    return { ...created, warnings };
  }

  /** The entry of a live token; undefined for unknown, expired or used-up tokens. */
  async lookup(token: string): Promise<TokenEntry | undefined> {
    const key = await this.records.keyOf(token);
    return key === undefined ? undefined : this.lookupByKey(key);
  }

  /**
   * By storage-safe key. `inFlight` also accepts a token whose last use is the current
   * request (pending revocation), so lookup-self on a one-use token answers as in Vault.
   */
  async lookupByKey(tokenKey: string, options: { inFlight?: boolean } = {}): Promise<TokenEntry | undefined> {
    const entry = await this.records.get(tokenKey);
    if (!entry) return undefined;
    const usable = options.inFlight && entry.numUses < 0 ? { ...entry, numUses: 0 } : entry;
    return isLive(usable, this.clock.now()) ? entry : undefined;
  }

  async lookupAccessor(accessor: string): Promise<TokenEntry | undefined> {
    const key = await this.records.keyOfAccessor(accessor);
    return key === undefined ? undefined : this.lookupByKey(key);
  }

  /** The storage-safe key (HMAC) of a raw token. */
  async keyOf(token: string): Promise<string | undefined> {
    return this.records.keyOf(token);
  }

  async listAccessors(): Promise<string[]> {
    return (await this.records.storage.list(ACCESSOR_PREFIX)).filter((name) => !name.endsWith('/'));
  }

  /**
   * Counts one use of a use-limited token. Undefined when the token can no longer be used.
   * When the last use is taken the entry is marked pending (dead for every other request)
   * and the caller must `revokeByKey` it once the current request is done. An unlimited
   * token (numUses 0, the usual case) just looked up live costs nothing: no transaction on
   * the request path.
   */
  use(entry: TokenEntry): Promise<TokenUse | undefined> {
    if (entry.numUses === 0) return Promise.resolve({ entry, exhausted: false });
    return this.records.storage.transaction(async (tx) => {
      const current = await this.records.get(entry.id, tx);
      if (!current || !isLive(current, this.clock.now())) return undefined;
      if (current.numUses === 0) return { entry: current, exhausted: false };
      const left = current.numUses - 1;
      await this.records.put(tx, { ...current, numUses: left === 0 ? -1 : left });
      return { entry: { ...current, numUses: left }, exhausted: left === 0 };
    });
  }

  /**
   * Extends a token's TTL (Vault's renew): period tokens go back to the period. `terms` are
   * what the token's role or issuing auth method decides today (see TokenRenewalTerms);
   * without them the token renews with what it recorded at creation.
   */
  async renewByKey(tokenKey: string, increment: number, terms: TokenRenewalTerms = {}): Promise<{ entry: TokenEntry; warnings: string[] }> {
    const entry = await this.lookupByKey(tokenKey);
    if (!entry) throw new ArcaError('invalid_request', 'token not found');
    if (!entry.renewable) throw new ArcaError('invalid_request', 'lease is not renewable');
    if (entry.expireTime === 0) return { entry, warnings: [] };
    const now = this.clock.now();
    const config = terms.limits ?? this.config();
    const { ttl, warnings } = calculateTtl({
      now, startTime: entry.creationTime, increment, backendTtl: terms.ttl ?? entry.creationTtl, period: terms.period ?? entry.period,
      backendMaxTtl: terms.maxTtl ?? 0, explicitMaxTtl: terms.explicitMaxTtl ?? entry.explicitMaxTtl,
      defaultTtl: config.defaultLeaseTtl, maxTtl: config.maxLeaseTtl,
    });
    const renewed: TokenEntry = { ...entry, ttl, expireTime: now + ttl * 1000, lastRenewalTime: now };
    await this.records.storage.transaction(async (tx) => {
      const current = await this.records.get(tokenKey, tx);
      if (!current || !isLive(current, now)) throw new ArcaError('invalid_request', 'token not found');
      await this.records.put(tx, { ...renewed, numUses: current.numUses });
      await this.leases.scheduleToken(tx, tokenKey, renewed.expireTime, current.expireTime);
    });
    return { entry: renewed, warnings };
  }

  async renew(token: string, increment: number, terms: TokenRenewalTerms = {}): Promise<{ entry: TokenEntry; warnings: string[] }> {
    const key = await this.records.keyOf(token);
    if (key === undefined) throw new ArcaError('invalid_request', 'token not found');
    return this.renewByKey(key, increment, terms);
  }

  /** Revokes the token, its descendants and all their leases. Unknown tokens are a no-op. */
  async revoke(token: string): Promise<void> {
    const key = await this.records.keyOf(token);
    if (key !== undefined) await this.revokeByKey(key);
  }

  revokeByKey(tokenKey: string): Promise<void> {
    return this.revocation.revokeTree(tokenKey);
  }

  /** Revokes only the token; its children become orphans. */
  async revokeOrphan(token: string): Promise<void> {
    const key = await this.records.keyOf(token);
    if (key !== undefined) await this.revocation.revokeOrphan(key);
  }

  async revokeAccessor(accessor: string): Promise<boolean> {
    const key = await this.records.keyOfAccessor(accessor);
    if (key === undefined) return false;
    await this.revokeByKey(key);
    return true;
  }

  /**
   * Revokes every token minted by a login on the auth mount `mountAccessor`, with their
   * children and leases (Vault revokes them when the method is disabled). Reads the mount
   * index by range, a page at a time, and revokes each page's trees in batched transactions;
   * a root's index entry goes in the transaction that deletes the root, so the index is its
   * own intent: after a crash or a failure the entries left are revoked by the next call.
   * Tokens minted before the index existed are not found here (they carry no accessor):
   * they expire on their own. Returns how many indexed tokens were revoked; throws the
   * first failure after the page it happened in.
   */
  async revokeByMount(mountAccessor: string): Promise<number> {
    if (!isIndexableAccessor(mountAccessor)) return 0;
    const prefix = tokenKeys.mountTokens(mountAccessor);
    let count = 0;
    for (;;) {
      const keys = await this.records.storage.scan(prefix, { limit: MOUNT_REVOKE_PAGE });
      if (keys.length === 0) return count;
      const roots = keys.map((key) => key.slice(prefix.length));
      await this.revocation.revokeRoots(roots, async (tx, tokenKey) => tx.delete(tokenKeys.mountToken(mountAccessor, tokenKey)));
      count += roots.length;
    }
  }

  /**
   * sys/leases/revoke-prefix under auth/: Vault keeps an expiring token's lease at
   * `<creation path>/<hash>`, so revoking the prefix `auth/userpass/` (or
   * `auth/userpass/login/alice`, `auth/token/create`) revokes the tokens created there, with
   * their children. Tokens that never expire have no lease in Vault and are left alone (so is
   * the root token). The prefix is read as Vault does: a trailing `/` is implied. Walks every
   * token entry in pages: an administrative (sudo) operation, not a request-path one.
   */
  async revokeByPathPrefix(prefix: string): Promise<number> {
    const want = prefix.endsWith('/') ? prefix : `${prefix}/`;
    let count = 0;
    let after: string | undefined;
    for (;;) {
      const keys = await this.records.storage.scan(ID_PREFIX, after === undefined ? { limit: this.batchSize } : { after, limit: this.batchSize });
      for (const key of keys) {
        after = key;
        const tokenKey = key.slice(ID_PREFIX.length);
        const entry = await this.records.get(tokenKey);
        if (entry === undefined || entry.expireTime === 0 || !`${entry.path}/`.startsWith(want)) continue;
        await this.revokeByKey(tokenKey);
        count++;
      }
      if (keys.length < this.batchSize) return count;
    }
  }

  /** Removes dangling index entries and revokes dead tokens the reaper has not reached. */
  tidy(): Promise<TokenTidyResult> {
    return tidyTokens({ records: this.records, clock: this.clock, revokeByKey: (key) => this.revokeByKey(key), batchSize: this.batchSize });
  }

  /**
   * The caller as the pipeline sees it. For a shared (frozen) entry the same frozen object is
   * answered on every request until the entry changes, so what is built from it per token
   * (the audit `auth` block, see core/audit-records.ts) can be remembered by identity.
   */
  toRequestAuth(entry: TokenEntry): RequestAuth {
    if (!Object.isFrozen(entry)) return toRequestAuth(entry);
    let auth = this.requestAuths.get(entry);
    if (auth === undefined) {
      auth = Object.freeze(toRequestAuth(entry));
      this.requestAuths.set(entry, auth);
    }
    return auth;
  }

  lookupResponse(entry: TokenEntry, token?: string): Record<string, unknown> {
    return lookupResponse(entry, this.clock.now(), token);
  }

  /** lookupResponse plus what identity adds (Vault's identity_policies), for auth/token/lookup*. */
  async lookupData(entry: TokenEntry, token?: string): Promise<Record<string, unknown>> {
    const data = lookupResponse(entry, this.clock.now(), token);
    if (entry.entityId === '' || !this.identityPolicies) return data;
    return { ...data, ...identityLookupFields(await this.identityPolicies(entry.entityId)) };
  }

  private async mint(
    p: CreateTokenParams & {
      policies: string[]; ttl: number; orphan: boolean; parentKey: string; displayName: string; path: string;
      mountAccessor?: string; internal?: Readonly<Record<string, unknown>>;
    },
  ): Promise<CreatedToken> {
    const token = p.id ?? `hvs.${randomId(24)}`;
    const key = await this.records.keyOf(token);
    if (key === undefined) throw new ArcaError('invalid_request', 'invalid token id');
    const now = this.clock.now();
    const entry: TokenEntry = {
      id: key, accessor: randomId(24), policies: p.policies, meta: { ...(p.meta ?? {}) }, displayName: p.displayName,
      numUses: p.numUses ?? 0, creationTime: now, creationTtl: p.ttl, ttl: p.ttl, explicitMaxTtl: p.explicitMaxTtl ?? 0,
      period: p.period ?? 0, renewable: p.renewable ?? true, parent: p.parentKey, orphan: p.orphan, path: p.path,
      entityId: p.entityId ?? '', type: 'service', boundCidrs: [...(p.boundCidrs ?? [])],
      expireTime: p.ttl > 0 ? now + p.ttl * 1000 : 0, lastRenewalTime: 0,
      ...(p.mountAccessor === undefined ? {} : { mountAccessor: p.mountAccessor }),
      ...(p.role === undefined ? {} : { role: p.role.name }),
      ...(p.internal === undefined ? {} : { internal: structuredClone(p.internal) }),
    };
    const mountAccessor = entry.mountAccessor;
    await this.records.storage.transaction(async (tx) => {
      if (await tx.get(tokenKeys.id(key))) throw new ArcaError('invalid_request', 'cannot create a token with a duplicate ID');
      if (p.parentKey !== '') {
        const parent = await this.records.get(p.parentKey, tx);
        if (!parent || !isLive(parent, now)) throw new ArcaError('permission_denied', 'parent token is no longer valid');
        await tx.put(tokenKeys.child(p.parentKey, key), new Uint8Array(0));
      }
      await this.records.put(tx, entry);
      await this.records.putAccessor(tx, entry.accessor, key);
      if (mountAccessor !== undefined) await tx.put(tokenKeys.mountToken(mountAccessor, key), new Uint8Array(0));
      await this.leases.scheduleToken(tx, key, entry.expireTime);
    });
    return { token, entry, warnings: [] };
  }
}
