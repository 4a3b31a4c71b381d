// src/core/router — one row of a mount table (Vault's MountEntry). Secret engines live in
// the "mounts" table (routed at their path), auth methods in the "auth" table (routed at
// "auth/" + path). Each mount's data lives under its own storage prefix keyed by uuid, so
// a remount moves no data and an unmount drops exactly one subtree.
import { randomBytes, randomUUID } from 'node:crypto';
import type { UserLockoutConfig } from '../lockout/lockout-config.js';

export type MountTableName = 'mounts' | 'auth';

export interface MountTune {
  /** Seconds; 0 = the system default. */
  readonly default_lease_ttl: number;
  readonly max_lease_ttl: number;
  readonly listing_visibility?: string;
  readonly audit_non_hmac_request_keys?: readonly string[];
  readonly audit_non_hmac_response_keys?: readonly string[];
  /** Auth mounts: failed-login lockout (Vault's user_lockout_config). */
  readonly user_lockout_config?: UserLockoutConfig;
}

export interface MountEntry {
  readonly table: MountTableName;
  /** Normalised with a trailing slash, relative to its table ("secret/", "token/"). */
  readonly path: string;
  readonly type: string;
  readonly description: string;
  readonly accessor: string;
  readonly uuid: string;
  readonly options: Readonly<Record<string, string>>;
  readonly config: MountTune;
  readonly local: boolean;
  readonly sealWrap: boolean;
  /** Built-in mounts (sys/, cubbyhole/, auth/token/) cannot be disabled or moved. */
  readonly builtin: boolean;
}

export function newMountEntry(init: {
  table: MountTableName;
  path: string;
  type: string;
  description?: string;
  options?: Record<string, string>;
  config?: Partial<MountTune>;
  local?: boolean;
  sealWrap?: boolean;
  builtin?: boolean;
}): MountEntry {
  return {
    table: init.table,
    path: normalizeMountPath(init.path),
    type: init.type,
    description: init.description ?? '',
    accessor: `${init.type.replace(/[^a-z0-9]/gi, '')}_${randomBytes(4).toString('hex')}`,
    uuid: randomUUID(),
    options: init.options ?? {},
    config: { default_lease_ttl: 0, max_lease_ttl: 0, ...init.config },
    local: init.local ?? false,
    sealWrap: init.sealWrap ?? false,
    builtin: init.builtin ?? false,
  };
}

export function normalizeMountPath(path: string): string {
  const trimmed = path.trim().replace(/^\/+/, '').replace(/\/+$/, '');
  return `${trimmed}/`;
}

/** The API path prefix the router matches: "secret/" or "auth/userpass/". */
export function routePrefix(entry: MountEntry): string {
  return entry.table === 'auth' ? `auth/${entry.path}` : entry.path;
}

/** The storage prefix of the mount's own data (below the barrier). */
export function storagePrefix(entry: MountEntry): string {
  return entry.table === 'auth' ? `auth/${entry.uuid}/` : `logical/${entry.uuid}/`;
}
