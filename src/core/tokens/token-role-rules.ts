// src/core/tokens — Vault's rules for a token created through a token role
// (auth/token/create/:role_name, handleCreateCommon's role branches), as pure functions of
// the role, the request and the parent's policies. They produce the CreateTokenParams the
// token store then resolves with its usual rules (root only from root, TTL limits, ids),
// and the terms a role's token is renewed with (the role as it is at renewal).
import { ArcaError } from '../../lib/errors.js';
import { sanitizePolicies } from './token-create-rules.js';
import type { CreateTokenParams } from './token-create-rules.js';
import type { TokenEntry } from './token-entry.js';
import { lesserLimit } from './token-renewal-terms.js';
import type { TokenRenewalTerms } from './token-renewal-terms.js';
import type { TokenRole } from './token-role-store.js';

/**
 * Vault's glob (ryanuber/go-glob): `*` matches any run of characters, anywhere and any number
 * of times; nothing else is special. A pattern without `*` matches only itself.
 */
export function globMatch(pattern: string, value: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === value;
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!value.startsWith(first) || value.length < first.length + last.length) return false;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = value.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return value.length - last.length >= at && value.endsWith(last);
}

const anyGlob = (patterns: readonly string[], value: string): boolean => patterns.some((p) => globMatch(p, value));

/**
 * Whether `role` lets a token be bound to the entity alias `alias` (Vault: the name,
 * lower-cased, is one of allowed_entity_aliases — stored lower-cased — or matches one of
 * them as a glob). A role without allowed_entity_aliases allows none.
 */
export function roleAllowsEntityAlias(role: TokenRole, alias: string): boolean {
  const name = alias.toLowerCase();
  return role.allowed_entity_aliases.includes(name) || anyGlob(role.allowed_entity_aliases, name);
}

/** Whether the role's policy lists replace the subset-of-parent rule (Vault: any list set). */
export function roleDecidesPolicies(role: TokenRole): boolean {
  return role.allowed_policies.length + role.disallowed_policies.length + role.allowed_policies_glob.length + role.disallowed_policies_glob.length > 0;
}

/**
 * The policies of a token made through a role with allowed/disallowed lists. "default" is
 * added unless the request or the role says not to, or the role disallows it. No request
 * means the role's allowed_policies (globs are not expanded); a role with only disallowed
 * lists gives the parent's policies. Every final policy must be allowed (literally or by a
 * glob) when an allowed list exists, and none may be disallowed: a 400 names the first
 * offender otherwise.
 */
export function rolePolicies(role: TokenRole, requested: readonly string[] | undefined, noDefaultPolicy: boolean, parentPolicies: readonly string[]): string[] {
  const addDefault = !noDefaultPolicy && !role.disallowed_policies.includes('default') && !anyGlob(role.disallowed_policies_glob, 'default');
  let final = requested !== undefined && requested.length > 0 ? sanitizePolicies(requested, addDefault) : [];
  if (role.allowed_policies.length > 0 || role.allowed_policies_glob.length > 0) {
    const allowed = sanitizePolicies(role.allowed_policies, addDefault);
    if (final.length === 0) final = allowed;
    else {
      const outside = final.find((p) => !allowed.includes(p) && !anyGlob(role.allowed_policies_glob, p));
      if (outside !== undefined) {
        throw new ArcaError('invalid_request', `token policies (${quoteList(final)}) must be subset of the role's allowed policies (${quoteList(allowed)}) or glob policies (${quoteList(role.allowed_policies_glob)})`);
      }
    }
  } else if (final.length === 0) {
    final = sanitizePolicies(parentPolicies, addDefault);
  }
  const refused = final.find((p) => role.disallowed_policies.includes(p) || anyGlob(role.disallowed_policies_glob, p));
  if (refused !== undefined) throw new ArcaError('invalid_request', `token policy ${JSON.stringify(refused)} is disallowed by this role`);
  // A root policy here comes from the role or the request; sanitizePolicies would collapse
  // the set to ["root"], which the store then refuses unless the parent is root.
  return noDefaultPolicy ? final.filter((p) => p !== 'default') : final;
}

function quoteList(list: readonly string[]): string {
  return list.map((p) => JSON.stringify(p)).join(' ');
}

/** What the create request asked for, before the role is applied. */
export type RoleCreateRequest = Omit<CreateTokenParams, 'orphan' | 'path' | 'role' | 'boundCidrs'>;

/**
 * Applies `role` to a create request: policies (above), orphan and renewability from the
 * role, the lesser of the request's and the role's period and explicit max TTL (with Vault's
 * warnings), the role's use limit when lower, its bound CIDRs and the token path
 * `auth/token/create/<role>[/<path_suffix>]` (so revoke-prefix can end a role's tokens).
 */
export function applyTokenRole(role: TokenRole, request: RoleCreateRequest, parentPolicies: readonly string[]): { params: CreateTokenParams; warnings: string[] } {
  const warnings: string[] = [];
  const noDefaultPolicy = (request.noDefaultPolicy ?? false) || role.token_no_default_policy;
  const decides = roleDecidesPolicies(role);
  const policies = decides ? rolePolicies(role, request.policies, noDefaultPolicy, parentPolicies) : request.policies;
  const lesser = (asked: number | undefined, fromRole: number, what: string): number | undefined => {
    if (fromRole === 0) return asked;
    if (asked === undefined || asked === 0) return fromRole;
    const value = Math.min(asked, fromRole);
    warnings.push(`${what} specified both during creation call and in role; using the lesser value of ${value} seconds`);
    return value;
  };
  const period = lesser(request.period, role.token_period, 'Period');
  const explicitMaxTtl = lesser(request.explicitMaxTtl, role.token_explicit_max_ttl, 'Explicit max TTL');
  const asked = request.numUses ?? 0;
  const numUses = role.token_num_uses > 0 && (asked === 0 || role.token_num_uses < asked) ? role.token_num_uses : asked;
  const params: CreateTokenParams = {
    ...request,
    ...(policies === undefined ? {} : { policies }),
    ...(period === undefined ? {} : { period }),
    ...(explicitMaxTtl === undefined ? {} : { explicitMaxTtl }),
    numUses,
    noDefaultPolicy,
    renewable: (request.renewable ?? true) && role.renewable,
    orphan: role.orphan,
    boundCidrs: role.token_bound_cidrs,
    path: role.path_suffix === '' ? `auth/token/create/${role.name}` : `auth/token/create/${role.name}/${role.path_suffix}`,
    role: { name: role.name, orphan: role.orphan, decidesPolicies: decides },
  };
  return { params, warnings };
}

/**
 * How a token made through `role` renews today (Vault's token store authRenew reads the role
 * at each renewal): periodic with the role's current `token_period` (a role without one
 * renews its tokens as non-periodic, whatever they were created with), capped by the role's
 * current `token_explicit_max_ttl` together with the token's own explicit max TTL (the lesser
 * one that is set, so tightening the role binds existing tokens and loosening it never lifts
 * a cap the token was created with).
 */
export function roleRenewalTerms(role: TokenRole, entry: TokenEntry): TokenRenewalTerms {
  return { period: role.token_period, explicitMaxTtl: lesserLimit(role.token_explicit_max_ttl, entry.explicitMaxTtl) };
}
