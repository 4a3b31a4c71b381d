// src/core/tokens — auth/token/lookup, lookup-self, lookup-accessor and the accessors/ list.
// The raw token id appears in the data only when the caller supplied it (Vault's rule);
// identity_policies are shown for a token with an entity, as Vault does.
import { ArcaError } from '../../lib/errors.js';
import { field } from '../../framework/field.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import type { TokenBackendContext } from './token-backend-context.js';

export function tokenLookupPaths(ctx: TokenBackendContext): AnyPathSpec[] {
  const { store } = ctx;
  const lookupSelf = async ({ req }: { req: Parameters<TokenBackendContext['caller']>[0] }) => {
    const entry = await ctx.caller(req);
    return { data: await store.lookupData(entry, req.clientToken) };
  };
  return [
    definePath({
      pattern: 'lookup',
      fields: { token: field.string().optional('The token to look up') },
      operations: {
        read: async ({ req }) => lookupSelf({ req }),
        update: async ({ req, fields }) => {
          if (fields.token === undefined || fields.token === '') return lookupSelf({ req });
          const entry = await store.lookup(fields.token);
          if (!entry) throw new ArcaError('permission_denied', 'bad token');
          return { data: await store.lookupData(entry, fields.token) };
        },
      },
      summary: 'Look up a token given in the body.',
    }),
    definePath({
      pattern: 'lookup-self',
      fields: {},
      operations: { read: async ({ req }) => lookupSelf({ req }), update: async ({ req }) => lookupSelf({ req }) },
      summary: 'Look up the calling token.',
    }),
    definePath({
      pattern: 'lookup-accessor',
      fields: { accessor: field.string().required('Accessor of the token') },
      operations: {
        update: async ({ fields }) => {
          const entry = await store.lookupAccessor(fields.accessor);
          if (!entry) throw new ArcaError('invalid_request', 'invalid accessor');
          return { data: await store.lookupData(entry) };
        },
      },
      summary: 'Look up a token by its accessor (no token id is returned).',
    }),
    definePath({
      pattern: 'accessors/?',
      fields: {},
      sudo: true,
      operations: { list: async () => ({ data: { keys: await store.listAccessors() } }) },
      summary: 'List token accessors.',
    }),
  ];
}
