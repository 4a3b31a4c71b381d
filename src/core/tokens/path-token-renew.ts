// src/core/tokens — auth/token/renew, renew-self and renew-accessor. The answer is Vault's auth block with
// the renewed lease_duration (in `tokenAuth`) plus any capping warnings. What the TTL is
// extended with is decided at renewal, as in Vault: a token made through a token role is
// renewed only while its role exists, with the role's current period and explicit max TTL;
// a renewable token a login minted is first put to the auth method that issued it
// (`ctx.renewLogin`), which may refuse (deleted user or role, changed policies, cert
// binding) and otherwise answers the user's or role's current token_ttl, token_max_ttl and
// token_period and its mount's limits. Any other token renews with what it recorded.
import { ArcaError } from '../../lib/errors.js';
import type { Clock } from '../../lib/clock.js';
import { field } from '../../framework/field.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import type { LogicalRequest } from '../../framework/logical.js';
import type { StorageView } from '../../storage/storage-view.js';
import type { TokenBackendContext, TokenBackendResponse } from './token-backend-context.js';
import type { TokenEntry } from './token-entry.js';
import type { TokenRenewalTerms } from './token-renewal-terms.js';
import { authBlock } from './token-response.js';
import { roleRenewalTerms } from './token-role-rules.js';
import { getTokenRole } from './token-role-store.js';

/** What `entry` is renewed with today (see the header); undefined for an unknown token. */
async function termsFor(ctx: TokenBackendContext, entry: TokenEntry | undefined, req: LogicalRequest, storage: StorageView): Promise<TokenRenewalTerms | undefined> {
  if (entry === undefined) return undefined;
  if (entry.role !== undefined) {
    const role = await getTokenRole(storage, entry.role);
    if (role === undefined) {
      throw new ArcaError('invalid_request', `original token role ${JSON.stringify(entry.role)} could not be found, not renewing`);
    }
    return roleRenewalTerms(role, entry);
  }
  return entry.renewable ? ctx.renewLogin(entry, req) : undefined;
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
          const terms = await termsFor(ctx, entry, req, storage);
          return renewed(await store.renew(fields.token, fields.increment, terms), fields.token, clock);
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
          const terms = await termsFor(ctx, entry, req, storage);
          return renewed(await store.renewByKey(entry.id, fields.increment, terms), req.clientToken, clock);
        },
      },
      summary: 'Renew the calling token.',
    }),
    definePath({
      pattern: 'renew-accessor',
      fields: { accessor: field.string().required('Accessor of the token to renew'), increment: field.duration().default(0, 'Requested extension') },
      operations: {
        update: async ({ req, fields, clock, storage }) => {
          const entry = await store.lookupAccessor(fields.accessor);
          if (!entry) throw new ArcaError('invalid_request', 'invalid accessor');
          const terms = await termsFor(ctx, entry, req, storage);
          // The caller holds only the accessor: the answer names no token (Vault blanks
          // client_token, `vault token renew -accessor` shows it as n/a).
          return renewed(await store.renewByKey(entry.id, fields.increment, terms), '', clock);
        },
      },
      summary: 'Renew a token given by its accessor.',
    }),
  ];
}
