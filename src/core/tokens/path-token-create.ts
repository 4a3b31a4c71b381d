// src/core/tokens — auth/token/create, auth/token/create-orphan and
// auth/token/create/:role_name (Vault's fields and rules; batch tokens are not supported).
// entity_alias (role path only) binds the new token to the entity of that alias on the token
// mount, creating both when new, so the entity's identity policies and groups apply.
// The new token is a child of the caller's token unless orphaned (no_parent or
// create-orphan, both root or sudo only; or the role's `orphan`). Only a child inherits its
// parent's entity; an orphan has none unless entity_alias names one. Bound CIDRs: a role's
// own, else a child copies its parent's (token-create-rules.ts).
// The response carries the final auth block in `tokenAuth`.
import { ArcaError } from '../../lib/errors.js';
import { field } from '../../framework/field.js';
import type { FieldValues } from '../../framework/field.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec, HandlerContext } from '../../framework/path-spec.js';
import { definedOnly } from './token-backend-context.js';
import type { TokenBackendContext, TokenBackendResponse } from './token-backend-context.js';
import type { CreateTokenParams } from './token-create-rules.js';
import type { TokenEntry } from './token-entry.js';
import { authBlock } from './token-response.js';
import { applyTokenRole, roleAllowsEntityAlias } from './token-role-rules.js';
import type { RoleCreateRequest } from './token-role-rules.js';
import { requireTokenRole, TOKEN_ROLE_NAME_PATTERN } from './token-role-store.js';

const createFields = {
  policies: field.strings().optional('Policies of the token (default: the parent\'s)'),
  ttl: field.duration().optional('Initial TTL'),
  explicit_max_ttl: field.duration().optional('Hard maximum lifetime'),
  period: field.duration().optional('Renew to this period forever'),
  num_uses: field.int(0, 1_000_000_000).optional('Maximum uses (0 = unlimited)'),
  no_parent: field.bool().default(false, 'Create an orphan (root or sudo only)'),
  no_default_policy: field.bool().default(false, 'Do not add the default policy'),
  renewable: field.bool().default(true),
  display_name: field.string().optional(),
  meta: field.stringMap().optional(),
  id: field.string().optional('A chosen token id (root only)'),
  type: field.enum(['service', 'batch', 'default']).optional(),
  entity_alias: field.string().optional('Bind the token to the entity of this alias on the token mount (with a role only; must match its allowed_entity_aliases)'),
};

type CreateValues = FieldValues<typeof createFields>;

const roleCreateFields = { ...createFields, role_name: field.string().required('Name of the token role') };

/** Refusals shared by every create path, before any lookup. */
function refuseUnsupported(fields: CreateValues): void {
  if (fields.type === 'batch') throw new ArcaError('invalid_request', 'batch tokens are not supported');
  // Only the wrapping manager mints response-wrapping tokens (Vault refuses it too).
  if (fields.policies?.some((p) => p.trim().toLowerCase() === 'response-wrapping')) {
    throw new ArcaError('invalid_request', 'the "response-wrapping" policy cannot be given to a token');
  }
}

/** The request's own token parameters (no_parent and the path are decided by the caller). */
function requested(fields: CreateValues): RoleCreateRequest {
  return definedOnly({
    policies: fields.policies, ttl: fields.ttl, explicitMaxTtl: fields.explicit_max_ttl, period: fields.period,
    numUses: fields.num_uses, noDefaultPolicy: fields.no_default_policy, renewable: fields.renewable,
    displayName: fields.display_name, meta: fields.meta, id: fields.id,
  });
}

type Built = { params: CreateTokenParams; warnings: string[] };

/**
 * `requestedPeriod` is the request's own `period`: asking for one needs root or sudo (Vault's
 * handleCreateCommon), since a periodic token escapes every max TTL; a role's period does not.
 */
async function mint(ctx: TokenBackendContext, req: HandlerContext<CreateValues>['req'], clock: HandlerContext<CreateValues>['clock'], requestedPeriod: number | undefined, build: (parent: TokenEntry) => Built | Promise<Built>): Promise<TokenBackendResponse> {
  const parent = await ctx.caller(req);
  const sudo = await ctx.isSudo(req);
  if ((requestedPeriod ?? 0) > 0 && !sudo) throw new ArcaError('invalid_request', 'root or sudo privileges required to create periodic token');
  const { params, warnings } = await build(parent);
  const created = await ctx.store.create(params, parent, { sudo });
  const res: TokenBackendResponse = { tokenAuth: authBlock(created.entry, created.token, clock.now()) };
  const all = [...warnings, ...created.warnings, ...(await missingPolicyWarnings(ctx, created.entry.policies))];
  if (all.length > 0) res.warnings = all;
  return res;
}

/**
 * One warning per policy of the new token that does not exist, as Vault: the token is still
 * created (a policy may be written later), but a typo in a name is visible at once.
 */
async function missingPolicyWarnings(ctx: TokenBackendContext, policies: readonly string[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const name of policies) {
    if (!(await ctx.policyExists(name))) warnings.push(`Policy ${JSON.stringify(name)} does not exist`);
  }
  return warnings;
}

function createHandler(ctx: TokenBackendContext, orphanPath: boolean) {
  return async ({ req, fields, clock }: HandlerContext<CreateValues>): Promise<TokenBackendResponse> => {
    refuseUnsupported(fields);
    if (fields.entity_alias !== undefined && fields.entity_alias !== '') {
      throw new ArcaError('invalid_request', "'entity_alias' is only allowed in combination with token role");
    }
    return mint(ctx, req, clock, fields.period, () => ({
      params: { ...requested(fields), orphan: orphanPath || fields.no_parent, path: orphanPath ? 'auth/token/create-orphan' : 'auth/token/create' },
      warnings: [],
    }));
  };
}

/** auth/token/create/:role_name — the role decides orphan status; no_parent is ignored (Vault). */
function createWithRoleHandler(ctx: TokenBackendContext) {
  return async ({ req, fields, clock, storage }: HandlerContext<FieldValues<typeof roleCreateFields>>): Promise<TokenBackendResponse> => {
    refuseUnsupported(fields);
    const role = await requireTokenRole(storage, fields.role_name);
    const alias = fields.entity_alias ?? '';
    if (alias !== '' && !roleAllowsEntityAlias(role, alias)) throw new ArcaError('invalid_request', "invalid 'entity_alias' value");
    return mint(ctx, req, clock, fields.period, async (parent) => {
      const built = applyTokenRole(role, requested(fields), parent.policies);
      if (alias === '') return built;
      return { ...built, params: { ...built.params, entityId: await aliasEntityId(ctx, alias, req) } };
    });
  };
}

/**
 * The entity a role's token is bound to through `entity_alias` (Vault's handleCreateCommon):
 * the alias of that name on this token mount, created with a new entity when it does not
 * exist yet. The alias keeps the case it was sent with. The entity replaces the one the
 * token would inherit from its parent; a disabled entity is refused (403).
 */
async function aliasEntityId(ctx: TokenBackendContext, alias: string, req: HandlerContext<CreateValues>['req']): Promise<string> {
  const entity = await ctx.entityForAlias(alias, req);
  if (entity.disabled) throw new ArcaError('permission_denied', 'entity from given entity alias is disabled');
  return entity.entityId;
}

export function tokenCreatePaths(ctx: TokenBackendContext): AnyPathSpec[] {
  return [
    definePath({
      pattern: 'create',
      fields: createFields,
      operations: { update: createHandler(ctx, false) },
      summary: 'Create a token (a child of the caller\'s token unless no_parent).',
    }),
    definePath({
      pattern: 'create-orphan',
      fields: createFields,
      operations: { update: createHandler(ctx, true) },
      summary: 'Create a token without a parent (root or sudo only).',
    }),
    definePath({
      pattern: `create/(?<role_name>${TOKEN_ROLE_NAME_PATTERN})`,
      fields: roleCreateFields,
      operations: { update: createWithRoleHandler(ctx) },
      summary: 'Create a token under the rules of a token role.',
    }),
  ];
}
