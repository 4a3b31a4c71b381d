// src/core/tokens — Vault's rules for a new token's policies, orphan status, entity and TTLs,
// as a pure function of the request, the parent and the mount limits. Authorisation facts that
// need the ACL (does the caller have sudo?) are decided by the caller and passed in.
import { ArcaError } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';
import type { MountConfig } from '../../framework/backend.js';
import type { TokenEntry } from './token-entry.js';

export interface CreateTokenParams {
  readonly policies?: readonly string[];
  readonly noDefaultPolicy?: boolean;
  /** Seconds (0 or absent = default). */
  readonly ttl?: number;
  readonly explicitMaxTtl?: number;
  readonly period?: number;
  readonly numUses?: number;
  /** no_parent, or the create-orphan path. */
  readonly orphan?: boolean;
  readonly renewable?: boolean;
  readonly displayName?: string;
  readonly meta?: Readonly<Record<string, string>>;
  /** A chosen token id (root parents only). */
  readonly id?: string;
  readonly path?: string;
  /** The entity an entity_alias resolved to: it replaces whatever the parent would pass on. */
  readonly entityId?: string;
  readonly boundCidrs?: readonly string[];
  /** Set when the token is made through a token role (token-role-rules.ts applied it). */
  readonly role?: RoleGrant;
}

/**
 * What a token role decided: its name (recorded on the token), whether the token is an
 * orphan (the role's choice, not subject to the sudo rule for no_parent) and whether the
 * role's allowed/disallowed lists already checked the policies (they then replace the
 * subset-of-parent rule, and "default" is already in or out of the list).
 */
export interface RoleGrant {
  readonly name: string;
  readonly orphan: boolean;
  readonly decidesPolicies: boolean;
}

export interface ResolvedToken {
  readonly policies: string[];
  readonly orphan: boolean;
  readonly parent: string;
  /**
   * The entity the token is bound to (Vault's handleCreateCommon): the explicit one (from an
   * entity_alias) when given, else the parent's for a child, else none: an orphan — by
   * no_parent, create-orphan or an orphan role — never inherits its creator's entity.
   */
  readonly entityId: string;
  /**
   * Client addresses the token may be used from (Vault's handleCreateCommon): a role's
   * token_bound_cidrs when made through a role (the role decides, even to widen them);
   * otherwise a child copies its parent's, so a CIDR-bound token cannot mint an unbound
   * child; an orphan made without a role has none.
   */
  readonly boundCidrs: readonly string[];
  readonly ttl: number;
  readonly displayName: string;
  readonly warnings: string[];
}

const MAX_POLICIES = 256;
const MAX_META = 64;

/** Trims, lower-cases, de-duplicates and sorts; `default` is added unless told not to or root. */
export function sanitizePolicies(policies: readonly string[], addDefault: boolean): string[] {
  const set = new Set(policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''));
  if (addDefault && !set.has('root')) set.add('default');
  if (set.has('root')) return ['root'];
  return [...set].sort();
}

export function resolveCreate(params: CreateTokenParams, parent: TokenEntry | undefined, sudo: boolean, config: MountConfig): ResolvedToken {
  validateShape(params);
  const parentIsRoot = parent?.policies.includes('root') ?? false;
  const privileged = parentIsRoot || sudo;
  if (params.id !== undefined && !parentIsRoot) throw new ArcaError('invalid_request', 'root or sudo privileges required to specify token id');
  const role = params.role;
  if (params.orphan && !privileged && role === undefined) throw new ArcaError('permission_denied', 'root or sudo privileges required to create orphan token');

  const requested = params.policies ?? parent?.policies.filter((p) => !(params.noDefaultPolicy && p === 'default')) ?? [];
  const wanted = sanitizePolicies(requested, false);
  if (wanted.includes('root') && !parentIsRoot) {
    throw new ArcaError('invalid_request', 'root tokens may not be created without parent token being root');
  }
  if (!privileged && !role?.decidesPolicies && parent && !wanted.every((p) => parent.policies.includes(p))) {
    throw new ArcaError('permission_denied', 'child policies must be subset of parent');
  }
  const policies = sanitizePolicies(wanted, !params.noDefaultPolicy && !role?.decidesPolicies);
  const orphan = (role ? role.orphan : params.orphan === true) || parent === undefined;
  const explicitEntity = params.entityId ?? '';
  const first = creationTtl(params, policies.includes('root'), config);
  // Only a root token gets no TTL; a caller that itself expires cannot mint one that never
  // does (Vault's handleCreateCommon), or an expiring root token could outlive itself.
  if (first.ttl === 0 && parent !== undefined && parent.ttl !== 0) {
    throw new ArcaError('invalid_request', 'expiring root tokens cannot create non-expiring root tokens');
  }
  return {
    policies,
    orphan,
    parent: orphan || !parent ? '' : parent.id,
    entityId: explicitEntity !== '' ? explicitEntity : orphan || !parent ? '' : parent.entityId,
    boundCidrs: role !== undefined || orphan || !parent ? [...(params.boundCidrs ?? [])] : [...parent.boundCidrs],
    ...first,
    displayName: displayName(params.displayName),
  };
}

/** The first TTL of a token (Vault's handleCreateCommon). */
function creationTtl(params: CreateTokenParams, root: boolean, config: MountConfig): { ttl: number; warnings: string[] } {
  const warnings: string[] = [];
  const explicitMax = params.explicitMaxTtl ?? 0;
  const period = params.period ?? 0;
  let ttl = params.ttl ?? 0;
  if (period > 0) {
    ttl = period;
    if (explicitMax > 0 && ttl > explicitMax) ttl = explicitMax;
    return { ttl, warnings };
  }
  if (explicitMax > 0 && (ttl === 0 || ttl > explicitMax)) {
    if (ttl > explicitMax) warnings.push(`explicit max TTL of "${formatDuration(explicitMax)}" is less than the requested TTL; TTL capped accordingly`);
    ttl = explicitMax;
  }
  if (ttl === 0 && !root) ttl = config.defaultLeaseTtl;
  if (config.maxLeaseTtl > 0 && ttl > config.maxLeaseTtl) {
    warnings.push(`TTL of "${formatDuration(ttl)}" exceeded the effective max_ttl of "${formatDuration(config.maxLeaseTtl)}"; TTL value is capped accordingly`);
    ttl = config.maxLeaseTtl;
  }
  return { ttl, warnings };
}

function displayName(requested: string | undefined): string {
  if (requested === undefined || requested === '') return 'token';
  return `token-${requested}`.replace(/[^a-zA-Z0-9-]/g, '-').replace(/-+$/, '').slice(0, 256);
}

function validateShape(params: CreateTokenParams): void {
  if ((params.policies?.length ?? 0) > MAX_POLICIES) throw new ArcaError('invalid_request', `at most ${MAX_POLICIES} policies are allowed`);
  if (params.policies?.some((p) => p.length > 128)) throw new ArcaError('invalid_request', 'policy names are at most 128 characters');
  if (params.numUses !== undefined && (!Number.isSafeInteger(params.numUses) || params.numUses < 0)) {
    throw new ArcaError('invalid_request', 'number of uses cannot be negative');
  }
  const meta = Object.entries(params.meta ?? {});
  if (meta.length > MAX_META || meta.some(([k, v]) => k.length > 128 || v.length > 512)) {
    throw new ArcaError('invalid_request', `meta holds at most ${MAX_META} entries with keys up to 128 and values up to 512 characters`);
  }
  const id = params.id;
  if (id !== undefined) {
    if (id === '' || id.length > 256) throw new ArcaError('invalid_request', 'custom token id must be 1 to 256 characters');
    if (id.includes('.')) throw new ArcaError('invalid_request', "token IDs can not contain a '.' character");
  }
}
