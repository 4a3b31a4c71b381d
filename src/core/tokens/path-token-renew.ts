// src/core/tokens — auth/token/renew and renew-self. The answer is Vault's auth block with
// the renewed lease_duration (in `tokenAuth`) plus any capping warnings. A renewable token a
// login minted is first put to the auth method that issued it (`ctx.renewLogin`), which may
// refuse (deleted user or role, changed policies, cert binding); the TTL is then extended
// by the store as for any token.
import { ArcaError } from '../../lib/errors.js';
import type { Clock } from '../../lib/clock.js';
import { field } from '../../framework/field.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import type { TokenBackendContext, TokenBackendResponse } from './token-backend-context.js';
import type { TokenEntry } from './token-entry.js';
import { authBlock } from './token-response.js';

function renewed(result: { entry: TokenEntry; warnings: string[] }, token: string, clock: Clock): TokenBackendResponse {
  const res: TokenBackendResponse = { tokenAuth: authBlock(result.entry, token, clock.now()) };
  if (result.warnings.length > 0) res.warnings = result.warnings;
  return res;
}

export function tokenRenewPaths(ctx: TokenBackendContext): AnyPathSpec[] {
  const { store } = ctx;
  return [
    definePath({
      pattern: 'renew',
      fields: { token: field.string().required('The token to renew'), increment: field.duration().default(0, 'Requested extension') },
      operations: {
        update: async ({ req, fields, clock }) => {
          if (fields.token === '') throw new ArcaError('invalid_request', 'missing token');
          // An unknown or dead token is left to the store's own answer.
          const entry = await store.lookup(fields.token);
          if (entry?.renewable) await ctx.renewLogin(entry, req);
          return renewed(await store.renew(fields.token, fields.increment), fields.token, clock);
        },
      },
      summary: 'Renew a token given in the body.',
    }),
    definePath({
      pattern: 'renew-self',
      fields: { increment: field.duration().default(0, 'Requested extension') },
      operations: {
        update: async ({ req, fields, clock }) => {
          const entry = await ctx.caller(req);
          if (entry.renewable) await ctx.renewLogin(entry, req);
          return renewed(await store.renewByKey(entry.id, fields.increment), req.clientToken, clock);
        },
      },
      summary: 'Renew the calling token.',
    }),
  ];
}
