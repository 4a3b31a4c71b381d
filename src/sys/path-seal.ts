// src/sys — seal lifecycle endpoints: sys/init, sys/seal-status, sys/unseal, sys/seal,
// sys/health, sys/leader, sys/key-status, sys/rotate, sys/rekey/*. The unauthenticated ones
// answer with Vault's raw JSON bodies (no envelope), as Vault's own handlers do.
import { definePath } from '../framework/path-spec.js';
import type { AnyPathSpec } from '../framework/path-spec.js';
import { field } from '../framework/field.js';
import { ArcaError } from '../lib/errors.js';
import { rawJson } from './system-context.js';
import type { SystemContext } from './system-context.js';

// A missing or out-of-range split is not defaulted: it reaches validateShareRequest as 0 (or
// as sent) and is refused with Vault's SealConfig.Validate words ("invalid seal configuration:
// shares must be at least one"), as Vault refuses `sys/init` and `sys/rekey/init` with `{}`.
const shareFields = {
  secret_shares: field.int(0, 1024).optional(),
  secret_threshold: field.int(0, 1024).optional(),
  stored_shares: field.int(0, 255).optional(),
  pgp_keys: field.raw().optional(),
  root_token_pgp_key: field.string().optional(),
  recovery_shares: field.int(0, 255).optional(),
  recovery_threshold: field.int(0, 255).optional(),
};

export function sealPaths(ctx: SystemContext): AnyPathSpec[] {
  return [
    definePath({
      pattern: 'init',
      unauthenticated: true,
      fields: shareFields,
      operations: {
        read: async () => rawJson({ initialized: (await ctx.seal.status()).initialized }),
        update: async ({ fields }) => {
          if (fields.pgp_keys !== undefined || fields.root_token_pgp_key !== undefined) {
            throw new ArcaError('invalid_request', 'PGP-encrypted unseal keys are not supported');
          }
          const res = await ctx.seal.initialize({ secret_shares: fields.secret_shares ?? 0, secret_threshold: fields.secret_threshold ?? 0 });
          return rawJson(res);
        },
      },
    }),
    definePath({
      pattern: 'seal-status',
      unauthenticated: true,
      fields: {},
      operations: { read: async () => rawJson(await sealStatus(ctx)) },
    }),
    definePath({
      pattern: 'unseal',
      unauthenticated: true,
      fields: { key: field.string().optional(), reset: field.bool().default(false), migrate: field.bool().default(false) },
      operations: { update: async ({ fields }) => { await ctx.seal.unseal(fields.key, fields.reset); return rawJson(await sealStatus(ctx)); } },
    }),
    definePath({
      pattern: 'seal',
      sudo: true,
      fields: {},
      operations: {
        update: async ({ req }) => {
          // No caller token means the node was sealed when the request came in (the core lets
          // sys/seal through unauthorised only then): already sealed, as Vault answers. A
          // request checked while unsealed always carries its (sudo) token.
          if (req.auth === undefined) return undefined;
          await ctx.seal.seal();
          return undefined;
        },
      },
    }),
    definePath({
      pattern: 'health',
      unauthenticated: true,
      fields: {
        standbyok: field.bool().default(false),
        perfstandbyok: field.bool().default(false),
        activecode: field.int(100, 599).default(200),
        standbycode: field.int(100, 599).default(429),
        drsecondarycode: field.int(100, 599).default(472),
        performancestandbycode: field.int(100, 599).default(473),
        sealedcode: field.int(100, 599).default(503),
        uninitcode: field.int(100, 599).default(501),
      },
      operations: {
        read: async ({ fields, clock }) => {
          const s = await ctx.seal.status();
          const status = !s.initialized ? fields.uninitcode : s.sealed ? fields.sealedcode : fields.activecode;
          return rawJson(
            {
              initialized: s.initialized,
              sealed: s.sealed,
              // Vault reports a sealed node as standby (it is not active) and leaves out the
              // cluster it cannot read while sealed.
              standby: s.sealed,
              performance_standby: false,
              replication_performance_mode: 'disabled',
              replication_dr_mode: 'disabled',
              server_time_utc: Math.floor(clock.now() / 1000),
              version: ctx.version,
              enterprise: false,
              ...(s.sealed ? {} : { cluster_name: ctx.clusterName, cluster_id: ctx.clusterId }),
            },
            status,
          );
        },
      },
    }),
    definePath({
      pattern: 'leader',
      unauthenticated: true,
      fields: {},
      operations: {
        read: async () =>
          rawJson({
            ha_enabled: false,
            is_self: true,
            active_time: '0001-01-01T00:00:00Z',
            leader_address: ctx.apiAddress(),
            leader_cluster_address: '',
            performance_standby: false,
            performance_standby_last_remote_wal: 0,
          }),
      },
    }),
    definePath({
      pattern: 'key-status',
      fields: {},
      operations: { read: async () => ({ data: { ...ctx.core.barrier.keyStatus() } }) },
    }),
    definePath({
      pattern: 'rotate',
      sudo: true,
      fields: {},
      operations: { update: async () => { await ctx.core.barrier.rotate(); return undefined; } },
    }),
    definePath({
      pattern: 'rekey/init',
      unauthenticated: true,
      fields: { ...shareFields, backup: field.bool().default(false), require_verification: field.bool().default(false) },
      operations: {
        read: async () => rawJson(await ctx.seal.rekeyStatus()),
        update: async ({ fields }) => {
          if (fields.backup || fields.require_verification || fields.pgp_keys !== undefined) {
            throw new ArcaError('invalid_request', 'PGP backup and verification of rekeyed shares are not supported');
          }
          return rawJson(await ctx.seal.rekeyInit({ secret_shares: fields.secret_shares ?? 0, secret_threshold: fields.secret_threshold ?? 0 }));
        },
        delete: async () => { await ctx.seal.rekeyCancel(); return undefined; },
      },
    }),
    definePath({
      pattern: 'rekey/update',
      unauthenticated: true,
      fields: { key: field.string().required(), nonce: field.string().required() },
      operations: { update: async ({ fields }) => rawJson(await ctx.seal.rekeyUpdate(fields.key, fields.nonce)) },
    }),
  ];
}

async function sealStatus(ctx: SystemContext): Promise<Record<string, unknown>> {
  const s = await ctx.seal.status();
  // As Vault's handleSysSealStatusRaw: the cluster is named only once unsealed.
  return { ...s, cluster_name: s.sealed ? undefined : ctx.clusterName, cluster_id: s.sealed ? undefined : ctx.clusterId };
}
