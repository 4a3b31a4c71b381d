// src/core/tokens — auth/token/create and auth/token/create-orphan (Vault's fields and
// rules; batch tokens are not supported). The new token is a child of the caller's token
// unless orphaned (no_parent or create-orphan, both root or sudo only); the response carries the final auth block in `tokenAuth`.
import { ArcaError } from '../../lib/errors.js';
import { field } from '../../framework/field.js';
import type { FieldValues } from '../../framework/field.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec, HandlerContext } from '../../framework/path-spec.js';
import { definedOnly } from './token-backend-context.js';
import type { TokenBackendContext, TokenBackendResponse } from './token-backend-context.js';
import { authBlock } from './token-response.js';

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
  entity_alias: field.string().optional('Not supported'),
};

type CreateValues = FieldValues<typeof createFields>;

function createHandler(ctx: TokenBackendContext, orphanPath: boolean) {
  return async ({ req, fields, clock }: HandlerContext<CreateValues>): Promise<TokenBackendResponse> => {
    if (fields.type === 'batch') throw new ArcaError('invalid_request', 'batch tokens are not supported');
    if (fields.entity_alias !== undefined) throw new ArcaError('invalid_request', 'entity_alias requires a token role, which is not supported');
    // Only the wrapping manager mints response-wrapping tokens (Vault refuses it too).
    if (fields.policies?.some((p) => p.trim().toLowerCase() === 'response-wrapping')) {
      throw new ArcaError('invalid_request', 'the "response-wrapping" policy cannot be given to a token');
    }
    const parent = await ctx.caller(req);
    const orphan = orphanPath || fields.no_parent;
    const sudo = await ctx.isSudo(req);
    const created = await ctx.store.create(
      definedOnly({
        policies: fields.policies, ttl: fields.ttl, explicitMaxTtl: fields.explicit_max_ttl, period: fields.period,
        numUses: fields.num_uses, orphan, noDefaultPolicy: fields.no_default_policy, renewable: fields.renewable,
        displayName: fields.display_name, meta: fields.meta, id: fields.id,
        path: orphanPath ? 'auth/token/create-orphan' : 'auth/token/create',
      }),
      parent,
      { sudo },
    );
    const res: TokenBackendResponse = { tokenAuth: authBlock(created.entry, created.token, clock.now()) };
    if (created.warnings.length > 0) res.warnings = created.warnings;
    return res;
  };
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
  ];
}
