// src/core/tokens — what the token backend's handlers share: the store, the caller's token
// entry (from RequestAuth.tokenKey, set by the pipeline) and the sudo decision, which needs
// the ACL and is therefore supplied by the core.
import { ArcaError } from '../../lib/errors.js';
import type { LogicalRequest, LogicalResponse } from '../../framework/logical.js';
import type { LeaseManager } from '../leases/lease-manager.js';
import type { TokenEntry } from './token-entry.js';
import type { TokenRenewalTerms } from './token-renewal-terms.js';
import type { TokenAuthBlock } from './token-response.js';
import type { TokenStore } from './token-store.js';

/**
 * A token backend response. `tokenAuth` is the final `auth` block of Vault's envelope (the
 * token is already minted or renewed): the pipeline renders it as `auth` instead of minting
 * a token from `LogicalResponse.auth`.
 */
export type TokenBackendResponse = LogicalResponse & { tokenAuth?: TokenAuthBlock };

export interface TokenBackendOptions {
  /** Whether the caller has root or sudo on the request path (default: holds the root policy). */
  readonly isSudo?: (req: LogicalRequest) => boolean | Promise<boolean>;
  /**
   * Asks the auth method that minted a login token before it is renewed: throws to refuse,
   * else answers the terms the method decides today (undefined: the token's own). Default:
   * never asks. The core supplies it: only it can reach the other mounts.
   */
  readonly renewLogin?: (entry: TokenEntry, req: LogicalRequest) => Promise<TokenRenewalTerms | undefined>;
  /**
   * Finds or creates the entity behind the alias `aliasName` on the token mount that serves
   * `req` (its accessor), creating the entity with the alias when the alias is new (Vault's
   * CreateOrFetchEntity for entity_alias). The core supplies it: only it reaches the identity
   * store. Absent: entity_alias is refused.
   */
  readonly entityForAlias?: (aliasName: string, req: LogicalRequest) => Promise<AliasEntity>;
  /**
   * Whether a policy of that name exists, so token creation can warn about a name that does
   * not (Vault's handleCreateCommon). The core supplies it from its policy store. Absent:
   * every policy is taken to exist and no warning is added.
   */
  readonly policyExists?: (name: string) => Promise<boolean>;
}

/** The entity an entity_alias resolved to. */
export interface AliasEntity {
  readonly entityId: string;
  readonly disabled: boolean;
}

export interface TokenBackendContext {
  readonly store: TokenStore;
  readonly leases: LeaseManager;
  isSudo(req: LogicalRequest): Promise<boolean>;
  /** The caller's live token entry; permission denied without one. */
  caller(req: LogicalRequest): Promise<TokenEntry>;
  /** Lets the issuing auth method refuse or shape the renewal of `entry` (see TokenBackendOptions). */
  renewLogin(entry: TokenEntry, req: LogicalRequest): Promise<TokenRenewalTerms | undefined>;
  /** The entity behind `aliasName` on the token mount (see TokenBackendOptions.entityForAlias). */
  entityForAlias(aliasName: string, req: LogicalRequest): Promise<AliasEntity>;
  /** Whether the named policy exists (see TokenBackendOptions.policyExists). */
  policyExists(name: string): Promise<boolean>;
}

export function tokenBackendContext(store: TokenStore, leases: LeaseManager, options: TokenBackendOptions): TokenBackendContext {
  return {
    store,
    leases,
    async isSudo(req) {
      if (options.isSudo) return options.isSudo(req);
      return req.auth?.policies.includes('root') ?? false;
    },
    async caller(req) {
      const key = req.auth?.tokenKey;
      const entry = key === undefined ? undefined : await store.lookupByKey(key, { inFlight: true });
      if (!entry) throw new ArcaError('permission_denied', 'permission denied');
      return entry;
    },
    async renewLogin(entry, req) {
      return options.renewLogin?.(entry, req);
    },
    async entityForAlias(aliasName, req) {
      if (!options.entityForAlias) throw new ArcaError('invalid_request', 'entity_alias is not available: this token store has no identity store');
      return options.entityForAlias(aliasName, req);
    },
    async policyExists(name) {
      return options.policyExists ? options.policyExists(name) : true;
    },
  };
}

/** Keeps only the keys whose value is defined (for exactOptionalPropertyTypes targets). */
export function definedOnly<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
