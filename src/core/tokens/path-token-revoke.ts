// src/core/tokens — auth/token/revoke, revoke-self, revoke-accessor, revoke-orphan and
// tidy. Revoking an unknown token succeeds silently (204), as in Vault, so the endpoint
// reveals nothing about which tokens exist; revoke-orphan, which needs sudo, answers 400
// "token to revoke not found" as Vault's handleRevokeOrphan does.
import { ArcaError } from '../../lib/errors.js';
import { field } from '../../framework/field.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import type { TokenBackendContext } from './token-backend-context.js';

export function tokenRevokePaths(ctx: TokenBackendContext): AnyPathSpec[] {
  const { store, leases } = ctx;
  return [
    definePath({
      pattern: 'revoke',
      fields: { token: field.string().required('The token to revoke with its children') },
      operations: {
        update: async ({ fields }) => {
          await store.revoke(fields.token);
          return undefined;
        },
      },
      summary: 'Revoke a token, its children and their leases.',
    }),
    definePath({
      pattern: 'revoke-self',
      fields: {},
      operations: {
        update: async ({ req }) => {
          await store.revokeByKey((await ctx.caller(req)).id);
          return undefined;
        },
      },
      summary: 'Revoke the calling token and its children.',
    }),
    definePath({
      pattern: 'revoke-accessor',
      fields: { accessor: field.string().required('Accessor of the token to revoke') },
      operations: {
        update: async ({ fields }) => {
          if (!(await store.revokeAccessor(fields.accessor))) throw new ArcaError('invalid_request', 'invalid accessor');
          return undefined;
        },
      },
      summary: 'Revoke a token by accessor.',
    }),
    definePath({
      pattern: 'revoke-orphan',
      fields: { token: field.string().required('The token to revoke; its children become orphans') },
      sudo: true,
      operations: {
        update: async ({ fields }) => {
          if (!(await store.lookup(fields.token))) throw new ArcaError('invalid_request', 'token to revoke not found');
          await store.revokeOrphan(fields.token);
          return undefined;
        },
      },
      summary: 'Revoke a token but keep its children as orphans.',
    }),
    definePath({
      pattern: 'tidy',
      fields: {},
      sudo: true,
      operations: {
        update: async ({ logger }) => {
          const tokens = await store.tidy();
          const leaseResult = await leases.tidy();
          logger.info({ ...tokens, ...leaseResult }, 'token tidy finished');
          return { status: 202, warnings: ["Tidy operation successfully started. Any information from the operation will be printed to Arca's server logs."] };
        },
      },
      summary: 'Clean up dangling token indexes and dead tokens.',
    }),
  ];
}
