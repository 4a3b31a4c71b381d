// src/sys — lease endpoints: sys/leases/{lookup,renew,revoke,revoke-prefix,revoke-force,tidy}
// and the legacy sys/{renew,revoke,revoke-prefix,revoke-force} that older clients (node-vault)
// still call.
import { definePath } from '../framework/path-spec.js';
import type { AnyPathSpec } from '../framework/path-spec.js';
import { field } from '../framework/field.js';
import { ArcaError } from '../lib/errors.js';
import type { SystemContext } from './system-context.js';

export function leasePaths(ctx: SystemContext): AnyPathSpec[] {
  const leases = (): typeof ctx.core.leases => ctx.core.leases;
  const renew = definePath({
    pattern: '(?:leases/renew|renew)(?:/(?<url_lease_id>.+))?',
    fields: { url_lease_id: field.string().optional(), lease_id: field.string().optional(), increment: field.duration().default(0) },
    operations: {
      update: async ({ fields }) => {
        const id = fields.lease_id ?? fields.url_lease_id;
        if (!id) throw new ArcaError('invalid_request', 'lease_id must be specified');
        const { lease, warnings } = await leases().renew(id, fields.increment);
        // Vault answers a renewal as a secret response: the lease in the envelope, data null.
        return {
          renewedLease: { leaseId: lease.leaseId, renewable: lease.renewable, ttl: lease.ttl },
          ...(warnings.length > 0 ? { warnings } : {}),
        };
      },
    },
  });
  const revoke = definePath({
    pattern: '(?:leases/revoke|revoke)(?:/(?<url_lease_id>.+))?',
    fields: { url_lease_id: field.string().optional(), lease_id: field.string().optional(), sync: field.bool().default(true) },
    operations: {
      update: async ({ fields }) => {
        const id = fields.lease_id ?? fields.url_lease_id;
        if (!id) throw new ArcaError('invalid_request', 'lease_id must be specified');
        await leases().revoke(id);
        return undefined;
      },
    },
  });
  const revokePrefix = (force: boolean): AnyPathSpec =>
    definePath({
      pattern: force ? '(?:leases/)?revoke-force/(?<prefix>.+)' : '(?:leases/)?revoke-prefix/(?<prefix>.+)',
      sudo: true,
      fields: { prefix: field.string().required(), sync: field.bool().default(true) },
      operations: {
        update: async ({ fields }) => {
          // As Vault's RevokePrefix: without a trailing "/" the prefix is a lease id when such
          // a lease exists, else it ends at a segment boundary, so database/creds/app never
          // reaches database/creds/app-admin/.
          let prefix = fields.prefix;
          if (!prefix.endsWith('/')) {
            if (await leases().lookup(prefix)) {
              await leases().revoke(prefix, { force });
              return undefined;
            }
            prefix = `${prefix}/`;
          }
          await leases().revokePrefix(prefix, { force });
          // Tokens are leases in Vault (auth/<mount>/...): revoking auth/userpass/ ends the
          // tokens its logins minted.
          if (prefix.startsWith('auth/')) await ctx.core.tokens.revokeByPathPrefix(prefix);
          return undefined;
        },
      },
    });
  return [
    definePath({
      pattern: 'leases/lookup/?',
      // Listing every lease id is sudo, as Vault's root path leases/lookup/*; the body-form
      // lookup of one lease is not.
      sudo: ['list'],
      fields: { lease_id: field.string().optional() },
      operations: {
        update: async ({ fields }) => {
          if (!fields.lease_id) throw new ArcaError('invalid_request', 'missing lease ID');
          const found = await leases().lookup(fields.lease_id);
          if (!found) throw new ArcaError('invalid_request', 'invalid lease');
          return { data: { ...found } };
        },
        list: async () => keysOrNone(await leases().list('')),
      },
    }),
    definePath({
      pattern: 'leases/lookup/(?<prefix>.+)',
      sudo: true,
      fields: { prefix: field.string().required() },
      operations: { list: async ({ fields }) => keysOrNone(await leases().list(fields.prefix.endsWith('/') ? fields.prefix : `${fields.prefix}/`)) },
    }),
    renew,
    revokePrefix(false),
    revokePrefix(true),
    revoke,
    definePath({
      pattern: 'leases/tidy',
      fields: {},
      operations: {
        // As Vault: the tidy runs in the background (one at a time), the answer is 202 with a
        // warning only; counts and failures go to the server log.
        update: async () => {
          void leases().startTidy();
          return {
            status: 202,
            warnings: ["Tidy operation successfully started. Any information from the operation will be printed to Arca's server logs."],
          };
        },
      },
    }),
  ];
}

function keysOrNone(keys: string[]): { data: Record<string, unknown> } | undefined {
  return keys.length === 0 ? undefined : { data: { keys } };
}
