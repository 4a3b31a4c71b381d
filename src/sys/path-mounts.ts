// src/sys — secret engine and auth method mounts: sys/mounts, sys/mounts/:path[/tune],
// sys/auth, sys/auth/:path[/tune], sys/internal/ui/mounts[/:path]; sys/remount is in
// path-remount.ts.
import { definePath } from '../framework/path-spec.js';
import type { AnyPathSpec } from '../framework/path-spec.js';
import { field } from '../framework/field.js';
import { ArcaError, forbidden } from '../lib/errors.js';
import { parseDuration } from '../lib/duration.js';
import { routePrefix } from '../core/router/mount-entry.js';
import type { MountEntry, MountTableName, MountTune } from '../core/router/mount-entry.js';
import { resolveLockout } from '../core/lockout/lockout-config.js';
import type { UserLockoutConfig } from '../core/lockout/lockout-config.js';
import type { SystemContext } from './system-context.js';
import { remountPaths } from './path-remount.js';

function describeMount(ctx: SystemContext, e: MountEntry): Record<string, unknown> {
  const resolved = ctx.core.mounts.mountConfig(e);
  return {
    type: e.type,
    description: e.description,
    accessor: e.accessor,
    uuid: e.uuid,
    config: {
      default_lease_ttl: e.config.default_lease_ttl,
      max_lease_ttl: e.config.max_lease_ttl,
      force_no_cache: false,
      ...auditKeysOf(e.config),
    },
    options: Object.keys(e.options).length > 0 ? e.options : null,
    local: e.local,
    seal_wrap: e.sealWrap,
    external_entropy_access: false,
    plugin_version: '',
    running_plugin_version: '',
    effective_default_lease_ttl: resolved.defaultLeaseTtl,
  };
}

/** Vault shows each audit_non_hmac_* list only when it is set. */
function auditKeysOf(config: MountTune): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  for (const name of AUDIT_KEY_FIELDS) {
    const keys = config[name];
    if (keys !== undefined && keys.length > 0) out[name] = [...keys];
  }
  return out;
}

const AUDIT_KEY_FIELDS = ['audit_non_hmac_request_keys', 'audit_non_hmac_response_keys'] as const;
const MAX_AUDIT_KEYS = 256;
const MAX_AUDIT_KEY_LENGTH = 256;

/**
 * A list of top-level data keys (a list or a comma-separated string, as Vault takes it). An
 * empty list, or Vault's [""], clears the setting.
 */
function auditKeysFrom(raw: unknown, name: string): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const list = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : undefined;
  if (list === undefined || list.some((k) => typeof k !== 'string')) {
    throw new ArcaError('invalid_request', `invalid value for "${name}": expected a list of strings or a comma-separated string`);
  }
  const keys = [...new Set((list as string[]).map((k) => k.trim()).filter((k) => k !== ''))];
  if (keys.length > MAX_AUDIT_KEYS) throw new ArcaError('invalid_request', `"${name}" takes at most ${MAX_AUDIT_KEYS} keys`);
  if (keys.some((k) => k.length > MAX_AUDIT_KEY_LENGTH)) throw new ArcaError('invalid_request', `"${name}": a key is longer than ${MAX_AUDIT_KEY_LENGTH} characters`);
  return keys;
}

function listTable(ctx: SystemContext, table: MountTableName): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of ctx.core.mounts.list(table)) out[e.path] = describeMount(ctx, e);
  return out;
}

function ttlOf(raw: unknown, name: string): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (raw === 'system') return 0;
  const s = typeof raw === 'string' || typeof raw === 'number' ? parseDuration(raw) : undefined;
  if (s === undefined) throw new ArcaError('invalid_request', `invalid value for "${name}": expected a duration`);
  return s;
}

function tuneFrom(config: Record<string, unknown>): Partial<MountTune> {
  const out: { -readonly [K in keyof MountTune]?: MountTune[K] } = {};
  const d = ttlOf(config['default_lease_ttl'], 'default_lease_ttl');
  const m = ttlOf(config['max_lease_ttl'], 'max_lease_ttl');
  if (d !== undefined) out.default_lease_ttl = d;
  if (m !== undefined) out.max_lease_ttl = m;
  for (const name of AUDIT_KEY_FIELDS) {
    const keys = auditKeysFrom(config[name], name);
    if (keys !== undefined) out[name] = keys;
  }
  return out;
}

const mountFields = {
  path: field.string().required(),
  type: field.string().optional(),
  description: field.string().default(''),
  config: field.map().default({}),
  options: field.stringMap().default({}),
  local: field.bool().default(false),
  seal_wrap: field.bool().default(false),
  plugin_name: field.string().optional(),
};

const tuneFields = {
  path: field.string().required(),
  default_lease_ttl: field.raw().optional(),
  max_lease_ttl: field.raw().optional(),
  description: field.string().optional(),
  options: field.stringMap().optional(),
  user_lockout_config: field.map().optional(),
  audit_non_hmac_request_keys: field.raw().optional(),
  audit_non_hmac_response_keys: field.raw().optional(),
};

/** Vault's user_lockout_config: durations as "15m" or seconds, threshold a count. */
function lockoutConfigFrom(raw: Record<string, unknown>): UserLockoutConfig {
  const allowed = ['lockout_threshold', 'lockout_duration', 'lockout_counter_reset', 'lockout_disable'];
  for (const k of Object.keys(raw)) if (!allowed.includes(k)) throw new ArcaError('invalid_request', `unknown field "${k}" in user_lockout_config`);
  const threshold = raw['lockout_threshold'];
  if (threshold !== undefined && (typeof threshold !== 'number' && typeof threshold !== 'string' || !/^\d{1,6}$/.test(String(threshold)))) {
    throw new ArcaError('invalid_request', 'user_lockout_config.lockout_threshold must be a whole number');
  }
  const duration = ttlOf(raw['lockout_duration'], 'user_lockout_config.lockout_duration');
  const reset = ttlOf(raw['lockout_counter_reset'], 'user_lockout_config.lockout_counter_reset');
  const disable = raw['lockout_disable'];
  if (disable !== undefined && typeof disable !== 'boolean' && disable !== 'true' && disable !== 'false') {
    throw new ArcaError('invalid_request', 'user_lockout_config.lockout_disable must be true or false');
  }
  return {
    ...(threshold !== undefined ? { lockout_threshold: Number(threshold) } : {}),
    ...(duration !== undefined ? { lockout_duration: duration } : {}),
    ...(reset !== undefined ? { lockout_counter_reset: reset } : {}),
    ...(disable !== undefined ? { lockout_disable: disable === true || disable === 'true' } : {}),
  };
}

function tablePaths(ctx: SystemContext, table: MountTableName, base: 'mounts' | 'auth'): AnyPathSpec[] {
  const thing = table === 'auth' ? 'auth method' : 'secrets engine';
  return [
    definePath({
      pattern: base,
      fields: {},
      operations: { read: async () => ({ data: listTable(ctx, table) }) },
    }),
    definePath({
      pattern: `${base}/(?<path>.+?)/tune`,
      sudo: table === 'auth',
      fields: tuneFields,
      operations: {
        read: async ({ fields }) => {
          const e = ctx.core.mounts.find(table, fields.path);
          if (!e) throw new ArcaError('invalid_request', `no ${thing} mounted at ${JSON.stringify(fields.path)}`);
          const r = ctx.core.mounts.mountConfig(e);
          const lockout = resolveLockout(e.config.user_lockout_config);
          return {
            data: {
              default_lease_ttl: r.defaultLeaseTtl,
              max_lease_ttl: r.maxLeaseTtl,
              force_no_cache: false,
              description: e.description,
              options: e.options,
              ...auditKeysOf(e.config),
              ...(table === 'auth'
                ? {
                    user_lockout_config: {
                      lockout_threshold: lockout.threshold,
                      lockout_duration: lockout.durationMs / 1000,
                      lockout_counter_reset: lockout.counterResetMs / 1000,
                      lockout_disable: lockout.disabled,
                    },
                  }
                : {}),
            },
          };
        },
        update: async ({ fields }) => {
          const tune = tuneFrom({
            default_lease_ttl: fields.default_lease_ttl,
            max_lease_ttl: fields.max_lease_ttl,
            audit_non_hmac_request_keys: fields.audit_non_hmac_request_keys,
            audit_non_hmac_response_keys: fields.audit_non_hmac_response_keys,
          });
          if (fields.user_lockout_config !== undefined && table !== 'auth') {
            throw new ArcaError('invalid_request', 'user_lockout_config applies to auth methods only');
          }
          await ctx.core.mounts.tune(table, fields.path, {
            ...tune,
            ...(fields.user_lockout_config !== undefined ? { user_lockout_config: lockoutConfigFrom(fields.user_lockout_config) } : {}),
            ...(fields.description !== undefined ? { description: fields.description } : {}),
            ...(fields.options !== undefined ? { options: fields.options } : {}),
          });
          return undefined;
        },
      },
    }),
    definePath({
      pattern: `${base}/(?<path>.+)`,
      sudo: table === 'auth',
      fields: mountFields,
      operations: {
        read: async ({ fields }) => {
          const e = ctx.core.mounts.find(table, fields.path);
          if (!e) throw new ArcaError('invalid_request', `no ${thing} mounted at ${JSON.stringify(fields.path)}`);
          return { data: describeMount(ctx, e) };
        },
        update: async ({ fields }) => {
          let type = fields.type ?? fields.plugin_name;
          if (!type) throw new ArcaError('invalid_request', 'missing required field "type"');
          const options = { ...fields.options };
          if (type === 'kv-v2') {
            type = 'kv';
            options['version'] = '2';
          }
          await ctx.core.mounts.mount({
            table,
            path: fields.path,
            type,
            description: fields.description,
            options,
            config: tuneFrom(fields.config),
            local: fields.local,
            sealWrap: fields.seal_wrap,
          });
          return undefined;
        },
        delete: async ({ fields }) => {
          await ctx.core.unmount(table, fields.path);
          return undefined;
        },
      },
    }),
  ];
}

export function mountPaths(ctx: SystemContext): AnyPathSpec[] {
  return [
    ...tablePaths(ctx, 'mounts', 'mounts'),
    ...tablePaths(ctx, 'auth', 'auth'),
    ...remountPaths(ctx),
    definePath({
      pattern: 'internal/ui/mounts',
      fields: {},
      operations: { read: async () => ({ data: { secret: listTable(ctx, 'mounts'), auth: listTable(ctx, 'auth') } }) },
    }),
    definePath({
      // Vault's CLI asks this to learn a KV mount's version before every kv command. A token
      // learns about a mount only if its ACL grants it something under that mount.
      pattern: 'internal/ui/mounts/(?<path>.+)',
      unauthenticated: true,
      fields: { path: field.string().required() },
      operations: {
        read: async ({ req, fields }) => {
          if (!req.auth) throw forbidden();
          const match = ctx.core.router.route(fields.path);
          if (!match || match.mount.entry.type === 'system') throw new ArcaError('invalid_request', `no mount at ${JSON.stringify(fields.path)}`);
          const e = match.mount.entry;
          const acl = await ctx.core.policies.acl(req.auth.policies);
          if (!acl.hasAccessUnder(routePrefix(e))) throw forbidden();
          return { data: { ...describeMount(ctx, e), path: routePrefix(e) } };
        },
      },
    }),
  ];
}
