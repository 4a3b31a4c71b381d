// src/auth — Vault's common `token_*` fields that every auth method's roles/users carry
// (tokenutil.TokenParams): the field table to spread into a path's fields, the stored
// shape, and the conversion to the ResponseAuth a login returns. One definition, so every
// method accepts and answers these fields the same way.
import { field } from '../framework/field.js';
import type { LoginRenewalTerms } from '../framework/backend.js';
import type { ResponseAuth } from '../framework/logical.js';
import { ArcaError } from '../lib/errors.js';
import { parseCidrs } from './cidr-list.js';

/** Spread into a path's `fields`: `{ ...tokenFields, name: ... }`. */
export const tokenFields = {
  token_policies: field.strings().optional('policies to attach to issued tokens'),
  policies: field.strings().optional('deprecated alias of token_policies'),
  token_ttl: field.duration().optional('default TTL of issued tokens'),
  token_max_ttl: field.duration().optional('maximum TTL of issued tokens'),
  token_explicit_max_ttl: field.duration().optional('hard cap on issued tokens, beyond renewals'),
  token_period: field.duration().optional('issued tokens are periodic with this period'),
  token_num_uses: field.int(0, 1_000_000).optional('uses per issued token (0 = unlimited)'),
  token_bound_cidrs: field.strings().optional('client addresses allowed to use issued tokens'),
  token_no_default_policy: field.bool().optional('do not add the default policy'),
  token_type: field.enum(['service', 'default', 'default-service'] as const).optional('type of issued tokens'),
};

/** The stored form (seconds; empty lists when unset). */
export interface TokenParams {
  readonly token_policies: readonly string[];
  readonly token_ttl: number;
  readonly token_max_ttl: number;
  readonly token_explicit_max_ttl: number;
  readonly token_period: number;
  readonly token_num_uses: number;
  readonly token_bound_cidrs: readonly string[];
  readonly token_no_default_policy: boolean;
  readonly token_type: 'service';
}

export const DEFAULT_TOKEN_PARAMS: TokenParams = {
  token_policies: [],
  token_ttl: 0,
  token_max_ttl: 0,
  token_explicit_max_ttl: 0,
  token_period: 0,
  token_num_uses: 0,
  token_bound_cidrs: [],
  token_no_default_policy: false,
  token_type: 'service',
};

type TokenFieldValues = { [K in keyof typeof tokenFields]: ReturnType<(typeof tokenFields)[K]['parse']> };

/**
 * Applies the fields a write sent on top of the stored params (create: on the defaults).
 * Validates TTL ordering and CIDR syntax with a 400 naming the field.
 */
export function mergeTokenParams(current: TokenParams, sent: Partial<TokenFieldValues>): TokenParams {
  const policies = sent.token_policies ?? sent.policies;
  const next: TokenParams = {
    token_policies: policies ? normalizePolicies(policies) : current.token_policies,
    token_ttl: sent.token_ttl ?? current.token_ttl,
    token_max_ttl: sent.token_max_ttl ?? current.token_max_ttl,
    token_explicit_max_ttl: sent.token_explicit_max_ttl ?? current.token_explicit_max_ttl,
    token_period: sent.token_period ?? current.token_period,
    token_num_uses: sent.token_num_uses ?? current.token_num_uses,
    token_bound_cidrs: sent.token_bound_cidrs ? parseCidrs(sent.token_bound_cidrs, 'token_bound_cidrs') : current.token_bound_cidrs,
    token_no_default_policy: sent.token_no_default_policy ?? current.token_no_default_policy,
    token_type: 'service',
  };
  if (next.token_max_ttl > 0 && next.token_ttl > next.token_max_ttl) {
    throw new ArcaError('invalid_request', '"token_ttl" cannot be greater than "token_max_ttl"');
  }
  return next;
}

/** The token fields as Vault returns them on a read of a role or user. */
export function tokenParamsResponse(p: TokenParams): Record<string, unknown> {
  return {
    token_policies: [...p.token_policies],
    policies: [...p.token_policies],
    token_ttl: p.token_ttl,
    token_max_ttl: p.token_max_ttl,
    token_explicit_max_ttl: p.token_explicit_max_ttl,
    token_period: p.token_period,
    token_num_uses: p.token_num_uses,
    token_bound_cidrs: [...p.token_bound_cidrs],
    token_no_default_policy: p.token_no_default_policy,
    token_type: 'default',
  };
}

/** The ResponseAuth of a successful login under these params. */
export function loginAuth(p: TokenParams, login: { displayName: string; alias: string; metadata?: Record<string, string>; extraPolicies?: readonly string[] }): ResponseAuth {
  const policies = normalizePolicies([...p.token_policies, ...(login.extraPolicies ?? [])]);
  return {
    policies: p.token_no_default_policy ? policies : normalizePolicies([...policies, 'default']),
    displayName: login.displayName,
    metadata: login.metadata ?? {},
    ttl: p.token_ttl,
    maxTtl: p.token_max_ttl,
    period: p.token_period,
    explicitMaxTtl: p.token_explicit_max_ttl,
    numUses: p.token_num_uses,
    renewable: true,
    boundCidrs: p.token_bound_cidrs,
    tokenType: 'service',
    alias: { name: login.alias, ...(login.metadata ? { metadata: login.metadata } : {}) },
  };
}

/**
 * What a renewal of a login token extends it with: these params as they are now (Vault's
 * pathLoginRenew handlers set the renewed Auth's TTL, MaxTTL and Period from the current user
 * or role), so tuning a role changes how far its existing tokens can be renewed.
 */
export function renewalTerms(p: TokenParams): LoginRenewalTerms {
  return { ttl: p.token_ttl, maxTtl: p.token_max_ttl, period: p.token_period };
}

function normalizePolicies(list: readonly string[]): string[] {
  return [...new Set(list.map((x) => x.trim().toLowerCase()).filter((x) => x !== ''))].sort();
}
