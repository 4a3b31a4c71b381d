// src/sys — sys/remount: moves a secrets engine or an auth method to another path, as
// Vault's remountSecretsEngine / remountCredential do. The mount keeps its uuid, so its data
// stays where it is (storage is keyed by uuid, not path). What was issued under the old path
// does not survive the move: every lease under it is revoked (forced: a failing revocation
// deletes the lease anyway) and, for an auth method, every token its logins minted, with
// their children — the same clean-up as disabling it (Core.unmount).
// The move is finished when the request returns; like Vault it answers a migration_id, and
// sys/remount/status/:migration_id reports it ("success"), which `vault secrets move` polls.
// The status lives in the system backend's storage so any node can answer it.
import { randomUUID } from 'node:crypto';
import { definePath } from '../framework/path-spec.js';
import type { AnyPathSpec } from '../framework/path-spec.js';
import { field } from '../framework/field.js';
import { ArcaError } from '../lib/errors.js';
import { routePrefix } from '../core/router/mount-entry.js';
import type { MountEntry, MountTableName } from '../core/router/mount-entry.js';
import type { SystemContext } from './system-context.js';

export function remountPaths(ctx: SystemContext): AnyPathSpec[] {
  return [
    definePath({
      pattern: 'remount',
      sudo: true,
      fields: { from: field.string().required(), to: field.string().required() },
      operations: {
        update: async ({ fields, storage }) => {
          const isAuth = fields.from.startsWith('auth/');
          if (isAuth !== fields.to.startsWith('auth/')) throw new ArcaError('invalid_request', 'cannot remount between secrets engines and auth methods');
          const strip = (p: string): string => (isAuth ? p.slice(5) : p);
          const table: MountTableName = isAuth ? 'auth' : 'mounts';
          // Checked first: a move that would be refused revokes nothing.
          const { entry } = ctx.core.mounts.planRemount(table, strip(fields.from), strip(fields.to));
          await revokeIssued(ctx, entry);
          const moved = await ctx.core.mounts.remount(table, entry.path, strip(fields.to));
          // A login on the old path that was under way while its tokens were revoked may have
          // minted one since; the old path no longer routes, so this pass catches the last.
          if (isAuth) await ctx.core.tokens.revokeByMount(entry.accessor);
          const migrationId = randomUUID();
          const info: MigrationInfo = { source_mount: routePrefix(entry), target_mount: routePrefix(moved), status: 'success' };
          await storage.put(STATUS_PREFIX + migrationId, new TextEncoder().encode(JSON.stringify(info)));
          return { data: { migration_id: migrationId } };
        },
      },
    }),
    definePath({
      pattern: 'remount/status/(?<migration_id>[^/]+)',
      fields: { migration_id: field.string().required() },
      operations: {
        read: async ({ fields, storage }) => {
          if (!/^[0-9a-f-]{36}$/.test(fields.migration_id)) return undefined;
          const raw = await storage.get(STATUS_PREFIX + fields.migration_id);
          if (raw === undefined) return undefined;
          const info = JSON.parse(new TextDecoder().decode(raw)) as MigrationInfo;
          return { data: { migration_id: fields.migration_id, migration_info: info } };
        },
      },
    }),
  ];
}

/** Vault's MountMigrationInfo. */
interface MigrationInfo {
  readonly source_mount: string;
  readonly target_mount: string;
  readonly status: 'success';
}

const STATUS_PREFIX = 'remount-status/';

/** Revokes what was issued under the mount's current path (Vault: RevokePrefix(src, force)). */
async function revokeIssued(ctx: SystemContext, entry: MountEntry): Promise<void> {
  await ctx.core.leases.revokePrefix(routePrefix(entry), { force: true });
  if (entry.table === 'auth') await ctx.core.tokens.revokeByMount(entry.accessor);
}
