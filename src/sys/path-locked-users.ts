// src/sys — Vault's user lockout administration: sys/locked-users (list the accounts locked
// now, by auth mount accessor) and sys/locked-users/:mount_accessor/unlock/:alias_identifier.
import { definePath } from '../framework/path-spec.js';
import type { AnyPathSpec } from '../framework/path-spec.js';
import { field } from '../framework/field.js';
import type { SystemContext } from './system-context.js';

export function lockedUserPaths(ctx: SystemContext): AnyPathSpec[] {
  return [
    definePath({
      pattern: 'locked-users',
      sudo: true,
      fields: { mount_accessor: field.string().optional() },
      operations: {
        read: async ({ fields }) => {
          const locked = await ctx.core.loginGuard.lockout.lockedAccounts();
          const mounts: Record<string, unknown> = {};
          let total = 0;
          for (const [accessor, accounts] of locked) {
            if (fields.mount_accessor !== undefined && accessor !== fields.mount_accessor) continue;
            mounts[accessor] = { counts: accounts.length, alias_identifiers: accounts.sort() };
            total += accounts.length;
          }
          return {
            data: {
              by_namespace: total === 0 ? [] : [{ namespace_id: 'root', namespace_path: '', counts: total, mount_accessors: mounts }],
              total,
            },
          };
        },
      },
    }),
    definePath({
      pattern: 'locked-users/(?<mount_accessor>[^/]+)/unlock/(?<alias_identifier>.+)',
      sudo: true,
      fields: { mount_accessor: field.string().required(), alias_identifier: field.string().required() },
      operations: {
        update: async ({ fields }) => {
          await ctx.core.loginGuard.lockout.unlock(fields.mount_accessor, fields.alias_identifier);
          return undefined;
        },
      },
    }),
  ];
}
