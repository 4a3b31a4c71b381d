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
      ...visibilityOf(e.config),
    },
    options: shownOptions(e),
    local: e.local,
    seal_wrap: e.sealWrap,
    external_entropy_access: false,
    plugin_version: '',
    running_plugin_version: '',
    effective_default_lease_ttl: resolved.defaultLeaseTtl,
  };
}

/**
 * Vault shows a mount's options map as stored: a mount enabled through sys/mounts or sys/auth
 * gets the field's zero value, an empty map (`{}`), when no options are sent; only the
 * mounts Vault creates itself (sys/, cubbyhole/, identity/, auth/token/) have none (`null`).
 */
function shownOptions(e: MountEntry): Readonly<Record<string, string>> | null {
  return e.builtin && Object.keys(e.options).length === 0 ? null : e.options;
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

/** Vault shows listing_visibility only when it is set. */
function visibilityOf(config: MountTune): Record<string, string> {
  return config.listing_visibility !== undefined && config.listing_visibility !== '' ? { listing_visibility: config.listing_visibility } : {};
}

/** Vault's ListingVisibilityType: "" (default), "unauth" or "hidden". */
function visibilityFrom(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (raw === '' || raw === 'unauth' || raw === 'hidden') return raw;
  throw new ArcaError('invalid_request', `invalid listing_visibility ${typeof raw === 'string' ? raw.slice(0, 32) : typeof raw}`);
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
  const visibility = visibilityFrom(config['listing_visibility']);
  if (visibility !== undefined) out.listing_visibility = visibility;
  for (const name of AUDIT_KEY_FIELDS) {
    const keys = auditKeysFrom(config[name], name);
    if (keys !== undefined) out[name] = keys;
  }
  return out;
}

const MAX_OPTIONS = 64;
const MAX_OPTION_LENGTH = 1024;

/**
 * A mount's `options` as Vault's TypeKVPairs takes them: an object whose values may be
 * strings, numbers or booleans (weakly decoded to strings: `{"version": 2}` is "2").
 */
function optionsFrom(raw: Record<string, unknown>): Record<string, string> {
  const entries = Object.entries(raw);
  if (entries.length > MAX_OPTIONS) throw new ArcaError('invalid_request', `"options" takes at most ${MAX_OPTIONS} keys`);
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new ArcaError('invalid_request', `invalid value for "options": ${JSON.stringify(key.slice(0, 64))} must be a string`);
    }
    const text = String(value);
    if (key.length > MAX_OPTION_LENGTH || text.length > MAX_OPTION_LENGTH) {
      throw new ArcaError('invalid_request', `"options": keys and values are at most ${MAX_OPTION_LENGTH} characters`);
    }
    Object.defineProperty(out, key, { value: text, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * The options a tune leaves on a mount, as Vault's handleTuneWriteCommon: given keys are
 * upserted, an empty value removes its key (except `version`), and on a `kv` mount the
 * version must be 1 or 2 and may only go up. Returns the merged options and, for an
 * upgrade, Vault's warning.
 */
function tunedOptions(entry: MountEntry, given: Record<string, string>): { options: Record<string, string>; warnings: string[] } {
  const warnings: string[] = [];
  const requested = given['version'];
  if (entry.type === 'kv' && requested !== undefined) {
    const from = Number(entry.options['version'] ?? '1') || 1;
    const to = /^\s*-?\d{1,9}\s*$/.test(requested) ? Number(requested) : NaN;
    if (Number.isNaN(to)) throw new ArcaError('invalid_request', `unable to parse options: invalid version ${JSON.stringify(requested.slice(0, 32))}`);
    if (to !== 1 && to !== 2) throw new ArcaError('invalid_request', `invalid version provided: ${to}`);
    if (from > to) throw new ArcaError('invalid_request', `cannot downgrade mount from version ${from}`);
    if (from < to) {
      warnings.push(`Upgrading mount from version ${from} to version ${to}. This mount will be unavailable for a brief period and will resume service shortly.`);
    }
  }
  const options: Record<string, string> = { ...entry.options };
  for (const [key, value] of Object.entries(given)) {
    if (value === '' && key !== 'version') delete options[key];
    else Object.defineProperty(options, key, { value: key === 'version' ? value.trim() : value, enumerable: true, writable: true, configurable: true });
  }
  return { options, warnings };
}

const mountFields = {
  path: field.string().required(),
  type: field.string().optional(),
  description: field.string().default(''),
  config: field.map().default({}),
  options: field.map().default({}),
  local: field.bool().default(false),
  seal_wrap: field.bool().default(false),
  plugin_name: field.string().optional(),
};

const tuneFields = {
  path: field.string().required(),
  default_lease_ttl: field.raw().optional(),
  max_lease_ttl: field.raw().optional(),
  description: field.string().optional(),
  options: field.map().optional(),
  user_lockout_config: field.map().optional(),
  audit_non_hmac_request_keys: field.raw().optional(),
  audit_non_hmac_response_keys: field.raw().optional(),
  listing_visibility: field.raw().optional(),
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

/**
 * A mount path as Vault's messages quote it: sanitised with a trailing slash, under "auth/"
 * for auth methods, bounded. Terraform's provider matches "No secret engine mount at" and
 * "No auth engine at" to notice a mount deleted behind its back, so those texts are Vault's.
 */
function shown(table: MountTableName, path: string): string {
  const p = `${path.replace(/^\/+/, '').replace(/\/*$/, '').slice(0, 256)}/`;
  return table === 'auth' ? `auth/${p}` : p;
}

const UNTUNABLE = ['cubbyhole/', 'sys/', 'audit/', 'identity/'];

function tablePaths(ctx: SystemContext, table: MountTableName, base: 'mounts' | 'auth'): AnyPathSpec[] {
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
          if (!e) throw new ArcaError('invalid_request', `cannot fetch sysview for path ${JSON.stringify(shown(table, fields.path))}`);
          const r = ctx.core.mounts.mountConfig(e);
          const lockout = resolveLockout(e.config.user_lockout_config);
          return {
            data: {
              default_lease_ttl: r.defaultLeaseTtl,
              max_lease_ttl: r.maxLeaseTtl,
              force_no_cache: false,
              description: e.description,
              // Vault shows options only when the mount has some.
              ...(Object.keys(e.options).length > 0 ? { options: e.options } : {}),
              ...auditKeysOf(e.config),
              ...visibilityOf(e.config),
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
            listing_visibility: fields.listing_visibility,
          });
          if (fields.user_lockout_config !== undefined && table !== 'auth') {
            throw new ArcaError('invalid_request', 'user_lockout_config applies to auth methods only');
          }
          const target = shown(table, fields.path);
          // Vault's untunableMounts: the built-in secret mounts keep their settings.
          if (UNTUNABLE.some((p) => target.startsWith(p))) throw new ArcaError('invalid_request', `cannot tune ${JSON.stringify(target)}`);
          const e = ctx.core.mounts.find(table, fields.path);
          if (!e) throw new ArcaError('invalid_request', `tune of path ${JSON.stringify(shown(table, fields.path))} failed: no mount entry found`);
          const tuned = fields.options === undefined ? undefined : tunedOptions(e, optionsFrom(fields.options));
          await ctx.core.mounts.tune(table, fields.path, {
            ...tune,
            ...(fields.user_lockout_config !== undefined ? { user_lockout_config: lockoutConfigFrom(fields.user_lockout_config) } : {}),
            ...(fields.description !== undefined ? { description: fields.description } : {}),
            ...(tuned !== undefined ? { options: tuned.options } : {}),
          });
          return tuned !== undefined && tuned.warnings.length > 0 ? { warnings: tuned.warnings } : undefined;
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
          if (!e) throw new ArcaError('invalid_request', table === 'auth' ? `No auth engine at ${shown(table, fields.path).slice(5)}` : `No secret engine mount at ${shown(table, fields.path)}`);
          return { data: describeMount(ctx, e) };
        },
        update: async ({ fields }) => {
          let type = fields.type ?? fields.plugin_name;
          if (!type) throw new ArcaError('invalid_request', 'missing required field "type"');
          const options = optionsFrom(fields.options);
          // Vault's aliases: kv-v1 and kv-v2 are kv with the version option set.
          if (type === 'kv-v1' || type === 'kv-v2') {
            options['version'] = type === 'kv-v2' ? '2' : '1';
            type = 'kv';
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
          // Vault answers a missing mount and a hidden one alike (403, this message), so the
          // endpoint cannot be used to discover which mounts exist.
          const path = `${fields.path.replace(/^\/+/, '').replace(/\/*$/, '')}/`;
          const refused = new ArcaError(
            'permission_denied',
            `preflight capability check returned 403, please ensure client's policies grant access to path ${JSON.stringify(path.slice(0, 256))}`,
          );
          const match = ctx.core.router.route(fields.path);
          if (!match || match.mount.entry.type === 'system') throw refused;
          const e = match.mount.entry;
          const acl = await ctx.core.policies.acl(req.auth.policies);
          if (!acl.hasAccessUnder(routePrefix(e))) throw refused;
          return { data: { ...describeMount(ctx, e), path: routePrefix(e) } };
        },
      },
    }),
  ];
}
