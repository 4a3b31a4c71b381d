// src/core/tokens — token roles (Vault's auth/token/roles/:role_name): the stored shape, its
// merge from a write and its read response. Roles live in the auth/token mount's own view:
//   roles/<name>    TokenRole
// A role is read from storage on each use (no cache), so an edit or a delete on one node
// holds on every node at once.
import { ArcaError } from '../../lib/errors.js';
import { field } from '../../framework/field.js';
import type { FieldValues } from '../../framework/field.js';
import type { StorageViewTransaction } from '../../storage/storage-view.js';
import { parseCidrs } from '../../auth/cidr-list.js';

export interface TokenRole {
  readonly name: string;
  /** Sanitised (trimmed, lower-cased, de-duplicated, sorted); never holds "default" implicitly. */
  readonly allowed_policies: readonly string[];
  readonly disallowed_policies: readonly string[];
  readonly allowed_policies_glob: readonly string[];
  readonly disallowed_policies_glob: readonly string[];
  readonly allowed_entity_aliases: readonly string[];
  readonly orphan: boolean;
  readonly renewable: boolean;
  readonly path_suffix: string;
  /** Seconds; 0 = none. */
  readonly token_period: number;
  readonly token_explicit_max_ttl: number;
  readonly token_num_uses: number;
  readonly token_bound_cidrs: readonly string[];
  readonly token_no_default_policy: boolean;
  /** Only service tokens exist here; "default"/"default-service" both mean service. */
  readonly token_type: 'service' | 'default-service' | 'default';
}

/** Vault's role name pattern (framework.GenericNameRegex without '@'). */
export const TOKEN_ROLE_NAME_PATTERN = String.raw`\w(?:[\w.-]*\w)?`;
const MAX_ROLE_NAME = 128;
const MAX_LIST = 256;
const MAX_NAME = 128;
const MAX_SUFFIX = 256;

export const tokenRoleFields = {
  role_name: field.string().required('Name of the role'),
  allowed_policies: field.strings().optional('Policies tokens of this role may have (instead of a subset of the parent\'s)'),
  disallowed_policies: field.strings().optional('Policies tokens of this role may not have'),
  allowed_policies_glob: field.strings().optional('Glob patterns (`*`) of allowed policies'),
  disallowed_policies_glob: field.strings().optional('Glob patterns (`*`) of disallowed policies'),
  allowed_entity_aliases: field.strings().optional('Entity alias names (or globs) tokens of this role may be bound to with entity_alias'),
  orphan: field.bool().optional('Tokens of this role have no parent (default false)'),
  renewable: field.bool().optional('Tokens of this role may be renewed (default true)'),
  path_suffix: field.string().optional('Appended to the token path: auth/token/create/<role>/<suffix>'),
  token_period: field.duration().optional('Tokens are periodic with this period'),
  period: field.duration().optional('Deprecated alias of token_period'),
  token_explicit_max_ttl: field.duration().optional('Hard cap on the lifetime of tokens'),
  explicit_max_ttl: field.duration().optional('Deprecated alias of token_explicit_max_ttl'),
  token_num_uses: field.int(0, 1_000_000_000).optional('Uses per token (0 = unlimited)'),
  token_bound_cidrs: field.strings().optional('Client addresses allowed to use the tokens'),
  bound_cidrs: field.strings().optional('Deprecated alias of token_bound_cidrs'),
  token_no_default_policy: field.bool().optional('Do not add the default policy'),
  token_type: field.string().optional('service, default or default-service (batch tokens are not supported)'),
};

export type TokenRoleFieldValues = FieldValues<typeof tokenRoleFields>;

export const tokenRoleKey = (name: string): string => `roles/${name}`;

export function checkTokenRoleName(name: string): string {
  if (name.length > MAX_ROLE_NAME) throw new ArcaError('invalid_request', `role_name must be at most ${MAX_ROLE_NAME} characters`);
  return name;
}

export function getTokenRole(tx: StorageViewTransaction, name: string): Promise<TokenRole | undefined> {
  return tx.getJson<TokenRole>(tokenRoleKey(name));
}

/** The role `name`, or a 400 naming it (Vault: "unknown role"). */
export async function requireTokenRole(tx: StorageViewTransaction, name: string): Promise<TokenRole> {
  const role = await getTokenRole(tx, checkTokenRoleName(name));
  if (role === undefined) throw new ArcaError('invalid_request', `unknown role ${JSON.stringify(name)}`);
  return role;
}

/** Lower-cased, trimmed, de-duplicated and sorted names, bounded in count and length. */
function names(list: readonly string[], fieldName: string): string[] {
  if (list.length > MAX_LIST) throw new ArcaError('invalid_request', `"${fieldName}" holds at most ${MAX_LIST} entries`);
  const set = new Set(list.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''));
  for (const p of set) {
    if (p.length > MAX_NAME) throw new ArcaError('invalid_request', `entries of "${fieldName}" are at most ${MAX_NAME} characters`);
  }
  return [...set].sort();
}

function tokenType(sent: string | undefined, current: TokenRole['token_type']): TokenRole['token_type'] {
  if (sent === undefined || sent === '') return current;
  if (sent === 'service' || sent === 'default' || sent === 'default-service') return sent;
  if (sent === 'batch' || sent === 'default-batch') {
    throw new ArcaError('invalid_request', `token_type "${sent}" is not supported: Arca issues only service tokens`);
  }
  throw new ArcaError('invalid_request', 'invalid value for field "token_type": expected service, default or default-service');
}

function pathSuffix(sent: string): string {
  if (sent.length > MAX_SUFFIX) throw new ArcaError('invalid_request', `path_suffix must be at most ${MAX_SUFFIX} characters`);
  if (sent.includes('..')) throw new ArcaError('invalid_request', "path_suffix cannot contain '..'");
  if (sent !== '' && !/^[\w.@-]+(?:\/[\w.@-]+)*$/.test(sent)) {
    throw new ArcaError('invalid_request', 'path_suffix may hold letters, digits, "_", ".", "@", "-" and inner "/" only');
  }
  return sent;
}

const EMPTY_ROLE: Omit<TokenRole, 'name'> = {
  allowed_policies: [], disallowed_policies: [], allowed_policies_glob: [], disallowed_policies_glob: [],
  allowed_entity_aliases: [], orphan: false, renewable: true, path_suffix: '', token_period: 0,
  token_explicit_max_ttl: 0, token_num_uses: 0, token_bound_cidrs: [], token_no_default_policy: false, token_type: 'default-service',
};

/** Applies the fields a write sent on top of the stored role (create: on Vault's defaults). */
export function mergeTokenRole(name: string, current: TokenRole | undefined, sent: TokenRoleFieldValues): TokenRole {
  const base = current ?? { name, ...EMPTY_ROLE };
  const list = (value: string[] | undefined, key: string, now: readonly string[]) =>
    value === undefined ? now : names(value, key);
  const cidrs = sent.token_bound_cidrs ?? sent.bound_cidrs;
  return {
    name,
    allowed_policies: list(sent.allowed_policies, 'allowed_policies', base.allowed_policies),
    disallowed_policies: list(sent.disallowed_policies, 'disallowed_policies', base.disallowed_policies),
    allowed_policies_glob: list(sent.allowed_policies_glob, 'allowed_policies_glob', base.allowed_policies_glob),
    disallowed_policies_glob: list(sent.disallowed_policies_glob, 'disallowed_policies_glob', base.disallowed_policies_glob),
    allowed_entity_aliases: list(sent.allowed_entity_aliases, 'allowed_entity_aliases', base.allowed_entity_aliases),
    orphan: sent.orphan ?? base.orphan,
    renewable: sent.renewable ?? base.renewable,
    path_suffix: sent.path_suffix === undefined ? base.path_suffix : pathSuffix(sent.path_suffix),
    token_period: sent.token_period ?? sent.period ?? base.token_period,
    token_explicit_max_ttl: sent.token_explicit_max_ttl ?? sent.explicit_max_ttl ?? base.token_explicit_max_ttl,
    token_num_uses: sent.token_num_uses ?? base.token_num_uses,
    token_bound_cidrs: cidrs === undefined ? base.token_bound_cidrs : parseCidrs(bounded(cidrs, 'token_bound_cidrs'), 'token_bound_cidrs'),
    token_no_default_policy: sent.token_no_default_policy ?? base.token_no_default_policy,
    token_type: tokenType(sent.token_type, base.token_type),
  };
}

function bounded(list: string[], fieldName: string): string[] {
  if (list.length > MAX_LIST) throw new ArcaError('invalid_request', `"${fieldName}" holds at most ${MAX_LIST} entries`);
  return list;
}

/** Vault's read of a role, deprecated names (period, explicit_max_ttl, bound_cidrs) included. */
export function tokenRoleResponse(role: TokenRole): Record<string, unknown> {
  return {
    name: role.name,
    allowed_policies: [...role.allowed_policies],
    disallowed_policies: [...role.disallowed_policies],
    allowed_policies_glob: [...role.allowed_policies_glob],
    disallowed_policies_glob: [...role.disallowed_policies_glob],
    allowed_entity_aliases: [...role.allowed_entity_aliases],
    orphan: role.orphan,
    renewable: role.renewable,
    path_suffix: role.path_suffix,
    token_period: role.token_period,
    period: role.token_period,
    token_explicit_max_ttl: role.token_explicit_max_ttl,
    explicit_max_ttl: role.token_explicit_max_ttl,
    token_num_uses: role.token_num_uses,
    token_bound_cidrs: [...role.token_bound_cidrs],
    bound_cidrs: [...role.token_bound_cidrs],
    token_no_default_policy: role.token_no_default_policy,
    token_type: role.token_type,
  };
}
