// src/auth/jwt — `role/<name>` (read, create/update merging into the stored role, delete)
// and LIST `role/`. A role says which tokens may log in (bound audiences, subject, claims),
// how the alias and metadata are derived from the claims, and the token_* of issued tokens.
// Validation follows Vault's: user_claim is required, jwt roles need a bound constraint,
// oidc roles need allowed_redirect_uris.
import { field } from '../../framework/field.js';
import type { FieldValues } from '../../framework/field.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { parseDuration } from '../../lib/duration.js';
import { ArcaError } from '../../lib/errors.js';
import { DEFAULT_TOKEN_PARAMS, mergeTokenParams, tokenFields, tokenParamsResponse } from '../token-fields.js';
import { parseBoundClaims, parseClaimMappings } from './jwt-claims.js';
import { deleteJwtRole, listJwtRoles, readJwtRole, ROLE_NAME_PATTERN, writeJwtRole } from './jwt-role-store.js';
import type { JwtRole } from './jwt-role-store.js';

const MAX_LEEWAY = 365 * 86400;

const fields = {
  ...tokenFields,
  name: field.string().required('Name of the role.'),
  role_type: field.enum(['jwt', 'oidc'] as const).optional('jwt (machine logins) or oidc (browser flow; default).'),
  bound_audiences: field.strings().optional('aud values accepted; required when tokens carry aud.'),
  bound_subject: field.string().optional('The exact sub claim required.'),
  bound_claims_type: field.enum(['string', 'glob'] as const).optional('How bound_claims values match: string (exact) or glob (*).'),
  bound_claims: field.map().optional('Claims (key or /json/pointer) mapped to the accepted value or values.'),
  claim_mappings: field.stringMap().optional('Claims copied into token metadata: claim → metadata key.'),
  user_claim: field.string().optional('Claim whose value names the login (the alias).'),
  user_claim_json_pointer: field.bool().optional('user_claim is a JSON pointer.'),
  groups_claim: field.string().optional('Claim listing the groups of the login.'),
  clock_skew_leeway: field.raw().optional('Seconds of clock skew allowed on every time claim (0 = 60, -1 = none).'),
  expiration_leeway: field.raw().optional('Seconds of leeway on exp (0 = 150, -1 = none).'),
  not_before_leeway: field.raw().optional('Seconds of leeway on nbf (0 = 150, -1 = none).'),
  allowed_redirect_uris: field.strings().optional('Redirect URIs allowed in the OIDC flow.'),
  oidc_scopes: field.strings().optional('Extra OIDC scopes to request.'),
  verbose_oidc_logging: field.bool().optional('Log the OIDC claims (debugging only).'),
  max_age: field.duration().optional('OIDC max_age: seconds since the user last authenticated.'),
  bound_cidrs: field.strings().optional('Deprecated alias of token_bound_cidrs.'),
};

type RoleFields = FieldValues<typeof fields>;

const invalid = (message: string): ArcaError => new ArcaError('invalid_request', message);

const DEFAULT_ROLE: JwtRole = {
  role_type: 'oidc',
  bound_audiences: [],
  bound_subject: '',
  bound_claims_type: 'string',
  bound_claims: {},
  claim_mappings: {},
  user_claim: '',
  user_claim_json_pointer: false,
  groups_claim: '',
  clock_skew_leeway: 0,
  expiration_leeway: 0,
  not_before_leeway: 0,
  allowed_redirect_uris: [],
  oidc_scopes: [],
  verbose_oidc_logging: false,
  max_age: 0,
  token: DEFAULT_TOKEN_PARAMS,
};

/** A leeway: seconds or a duration, or -1 to disable it. */
export function parseLeeway(raw: unknown, name: string): number {
  if (raw === -1 || raw === '-1') return -1;
  const seconds = typeof raw === 'number' || typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (seconds === undefined || seconds > MAX_LEEWAY) {
    throw invalid(`invalid value for field "${name}": expected a number of seconds, a duration, or -1`);
  }
  return seconds;
}

function merge(current: JwtRole, f: RoleFields): JwtRole {
  const tokenSent = { ...f, token_bound_cidrs: f.token_bound_cidrs ?? f.bound_cidrs };
  const leeway = (raw: unknown, name: string, now: number): number => (raw === undefined ? now : parseLeeway(raw, name));
  return {
    role_type: f.role_type ?? current.role_type,
    bound_audiences: f.bound_audiences?.filter((a) => a !== '') ?? current.bound_audiences,
    bound_subject: f.bound_subject ?? current.bound_subject,
    bound_claims_type: f.bound_claims_type ?? current.bound_claims_type,
    bound_claims: f.bound_claims ? parseBoundClaims(f.bound_claims) : current.bound_claims,
    claim_mappings: f.claim_mappings ? parseClaimMappings(f.claim_mappings) : current.claim_mappings,
    user_claim: f.user_claim ?? current.user_claim,
    user_claim_json_pointer: f.user_claim_json_pointer ?? current.user_claim_json_pointer,
    groups_claim: f.groups_claim ?? current.groups_claim,
    clock_skew_leeway: leeway(f.clock_skew_leeway, 'clock_skew_leeway', current.clock_skew_leeway),
    expiration_leeway: leeway(f.expiration_leeway, 'expiration_leeway', current.expiration_leeway),
    not_before_leeway: leeway(f.not_before_leeway, 'not_before_leeway', current.not_before_leeway),
    allowed_redirect_uris: f.allowed_redirect_uris ?? current.allowed_redirect_uris,
    oidc_scopes: f.oidc_scopes ?? current.oidc_scopes,
    verbose_oidc_logging: f.verbose_oidc_logging ?? current.verbose_oidc_logging,
    max_age: f.max_age ?? current.max_age,
    token: mergeTokenParams(current.token, tokenSent),
  };
}

function validate(role: JwtRole): void {
  if (role.user_claim === '') throw invalid('a user claim must be defined on the role');
  if (role.role_type === 'jwt') {
    const constrained = role.bound_audiences.length > 0 || role.bound_subject !== '' || Object.keys(role.bound_claims).length > 0 || role.token.token_bound_cidrs.length > 0;
    if (!constrained) throw invalid('must have at least one bound constraint when creating/updating a role');
  }
  if (role.role_type === 'oidc' && role.allowed_redirect_uris.length === 0) {
    throw invalid("'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.");
  }
}

export function roleResponse(role: JwtRole): Record<string, unknown> {
  const { token, ...rest } = role;
  return {
    ...tokenParamsResponse(token),
    ...structuredClone(rest),
    bound_cidrs: [...token.token_bound_cidrs],
  };
}

export const pathRole: AnyPathSpec = definePath({
  pattern: `role/(?<name>${ROLE_NAME_PATTERN})`,
  fields,
  summary: 'Manage a JWT/OIDC role.',
  existenceCheck: async ({ fields: f, storage }) => (await readJwtRole(storage, f.name)) !== undefined,
  operations: {
    read: async ({ fields: f, storage }) => {
      const role = await readJwtRole(storage, f.name);
      return role === undefined ? undefined : { data: roleResponse(role) };
    },
    update: async ({ fields: f, storage }) => {
      await storage.transaction(async (tx) => {
        const role = merge((await readJwtRole(tx, f.name)) ?? DEFAULT_ROLE, f);
        validate(role);
        await writeJwtRole(tx, f.name, role);
      });
      return undefined;
    },
    delete: async ({ fields: f, storage }) => {
      await deleteJwtRole(storage, f.name);
      return undefined;
    },
  },
});

export const pathRoleList: AnyPathSpec = definePath({
  pattern: 'role/?',
  fields: {},
  summary: 'List the roles.',
  operations: {
    list: async ({ storage }) => {
      const keys = await listJwtRoles(storage);
      return keys.length === 0 ? undefined : { data: { keys } };
    },
  },
});
