// src/core/tokens — how a token is shown: to the pipeline (RequestAuth), to lookup callers
// (Vault's auth/token/lookup data) and to creators/renewers (Vault's `auth` block, which the
// pipeline renders into the response envelope). Pure functions of an entry and the time.
import type { RequestAuth } from '../../framework/logical.js';
import { rfc3339 } from '../leases/lease-entry.js';
import type { TokenEntry } from './token-entry.js';

/** Vault's `auth` object in the response envelope for token create/renew. */
export interface TokenAuthBlock {
  readonly client_token: string;
  readonly accessor: string;
  readonly policies: readonly string[];
  readonly token_policies: readonly string[];
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly lease_duration: number;
  readonly renewable: boolean;
  readonly entity_id: string;
  readonly token_type: 'service';
  readonly orphan: boolean;
  readonly num_uses: number;
  readonly mfa_requirement: null;
}

export function ttlLeft(entry: TokenEntry, now: number): number {
  return entry.expireTime === 0 ? 0 : Math.max(0, Math.floor((entry.expireTime - now) / 1000));
}

/** The caller as the pipeline sees it: a pure function of the entry (no clock). */
export function toRequestAuth(entry: TokenEntry): RequestAuth {
  return {
    accessor: entry.accessor,
    policies: entry.policies,
    tokenPolicies: entry.policies,
    displayName: entry.displayName,
    entityId: entry.entityId,
    metadata: entry.meta,
    tokenType: 'service',
    ttl: entry.ttl,
    issueTime: entry.creationTime,
    orphan: entry.orphan,
    tokenKey: entry.id,
  };
}

/**
 * Vault's token lookup data. `token` (the raw id) is included only when the caller proved it
 * holds it (lookup-self, lookup with the token in the body), never for lookup-accessor.
 */
export function lookupResponse(entry: TokenEntry, now: number, token?: string): Record<string, unknown> {
  const data: Record<string, unknown> = {
    accessor: entry.accessor,
    creation_time: Math.floor(entry.creationTime / 1000),
    creation_ttl: entry.creationTtl,
    display_name: entry.displayName,
    entity_id: entry.entityId,
    expire_time: entry.expireTime > 0 ? rfc3339(entry.expireTime) : null,
    explicit_max_ttl: entry.explicitMaxTtl,
    id: token ?? '',
    issue_time: rfc3339(entry.creationTime),
    meta: Object.keys(entry.meta).length > 0 ? { ...entry.meta } : null,
    num_uses: Math.max(0, entry.numUses),
    orphan: entry.orphan,
    path: entry.path,
    policies: [...entry.policies],
    renewable: entry.renewable,
    ttl: ttlLeft(entry, now),
    type: entry.type,
  };
  if (entry.period > 0) data['period'] = entry.period;
  if (entry.role !== undefined) data['role'] = entry.role;
  if (entry.lastRenewalTime > 0) {
    data['last_renewal'] = rfc3339(entry.lastRenewalTime);
    data['last_renewal_time'] = Math.floor(entry.lastRenewalTime / 1000);
  }
  if (entry.boundCidrs.length > 0) data['bound_cidrs'] = [...entry.boundCidrs];
  return data;
}

/**
 * What identity adds to a lookup, as Vault's token store does for a token with an entity:
 * `identity_policies` (the entity's and its groups' policies, internal and external groups
 * alike) and `external_namespace_policies` (always empty: Arca has no namespaces), both only
 * when there is at least one such policy.
 */
export function identityLookupFields(identityPolicies: readonly string[]): Record<string, unknown> {
  if (identityPolicies.length === 0) return {};
  return { identity_policies: [...identityPolicies], external_namespace_policies: {} };
}

export function authBlock(entry: TokenEntry, token: string, now: number): TokenAuthBlock {
  return {
    client_token: token,
    accessor: entry.accessor,
    policies: [...entry.policies],
    token_policies: [...entry.policies],
    metadata: Object.keys(entry.meta).length > 0 ? { ...entry.meta } : null,
    // Rounded, not floored: at creation the full TTL is granted, whatever ms have passed.
    lease_duration: entry.expireTime === 0 ? 0 : Math.max(0, Math.round((entry.expireTime - now) / 1000)),
    renewable: entry.renewable && entry.expireTime > 0,
    entity_id: entry.entityId,
    token_type: 'service',
    orphan: entry.orphan,
    num_uses: Math.max(0, entry.numUses),
    mfa_requirement: null,
  };
}
