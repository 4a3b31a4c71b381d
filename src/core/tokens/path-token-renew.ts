// src/core/tokens — auth/token/renew and renew-self. The answer is Vault's auth block with
// the renewed lease_duration (in `tokenAuth`) plus any capping warnings. A renewable token a
// login minted is first put to the auth method that issued it (`ctx.renewLogin`), which may
// refuse (deleted user or role, changed policies, cert binding); the TTL is then extended
// by the store as for any token. A token made through a token role is renewed only while
// its role exists (Vault: deleting a role stops the renewal of its tokens).
import { ArcaError } from '../../lib/errors.js';
import type { Clock } from '../../lib/clock.js';
import { field } from '../../framework/field.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import type { StorageView } from '../../storage/storage-view.js';
import type { TokenBackendContext, TokenBackendResponse } from './token-backend-context.js';
import type { TokenEntry } from './token-entry.js';
import { authBlock } from './token-response.js';
import { getTokenRole } from './token-role-store.js';

async function requireRoleOf(entry: TokenEntry | undefined, storage: StorageView): Promise<void> {
  if (entry?.role === undefined) return;
  if ((await getTokenRole(storage, entry.role)) === undefined) {
    throw new ArcaError('invalid_request', `original token role ${JSON.stringify(entry.role)} could not be found, not renewing`);
  }
}

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
        update: async ({ req, fields, clock, storage }) => {
          if (fields.token === '') throw new ArcaError('invalid_request', 'missing token');
          // An unknown or dead token is left to the store's own answer.
          const entry = await store.lookup(fields.token);
          await requireRoleOf(entry, storage);
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
        update: async ({ req, fields, clock, storage }) => {
          const entry = await ctx.caller(req);
          await requireRoleOf(entry, storage);
          if (entry.renewable) await ctx.renewLogin(entry, req);
          return renewed(await store.renewByKey(entry.id, fields.increment), req.clientToken, clock);
        },
      },
      summary: 'Renew the calling token.',
    }),
  ];
}
