// src/cli — where a `kv` command's path lives. Like Vault's CLI, the mount and its KV
// version are asked of the server (GET sys/internal/ui/mounts/<path>); for version 2 the
// API prefix (data/, metadata/, delete/, undelete/, destroy/) is inserted after the mount.
// A 404 from that endpoint means an older server: the path is treated as KV version 1.
import { ApiError } from '../client/arca-client.js';
import { CliFailure, apiFailure } from './cli-failure.js';
import type { CommandContext } from './define-command.js';
import type { FlagSpecs } from './flags.js';
import { UsageError } from './flags.js';
import { asRecord, asString, dataOf } from './json-shape.js';

export type KvPrefix = 'data' | 'metadata' | 'delete' | 'undelete' | 'destroy';

export interface KvTarget {
  /** Mount path with a trailing slash (`secret/`), or '' when the server did not say. */
  readonly mount: string;
  readonly version: 1 | 2;
  /** The path the user named, without leading or trailing slashes (`secret/app`). */
  readonly full: string;
  /** The part after the mount (`app`). */
  readonly relative: string;
}

export function joinKvPath(raw: string, mountFlag: string | undefined): string {
  const path = raw.replace(/^\/+|\/+$/g, '');
  if (mountFlag === undefined || mountFlag === '') return path;
  const mount = mountFlag.replace(/^\/+|\/+$/g, '');
  return path === '' ? mount : `${mount}/${path}`;
}

/** Vault's kvPreflightVersionRequest: the mount path and KV version from the server. */
export async function kvTarget<T extends FlagSpecs>(ctx: CommandContext<T>, raw: string, mountFlag: string | undefined): Promise<KvTarget> {
  const full = joinKvPath(raw, mountFlag);
  if (full === '') throw new UsageError('A path is required');
  let body: unknown;
  try {
    body = (await ctx.client().request('GET', `sys/internal/ui/mounts/${encodePath(full)}`)).body;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { mount: '', version: 1, full, relative: full };
    if (err instanceof ApiError && err.status === 403) {
      throw new CliFailure(`preflight capability check returned 403, please ensure client's policies grant access to path "${full}/"`, 2);
    }
    throw apiFailure('determining the KV version', err);
  }
  const data = dataOf(body);
  const mount = asString(data['path']) ?? '';
  const version = asString(asRecord(data['options'])?.['version']) === '2' ? 2 : 1;
  const relative = mount !== '' && `${full}/`.startsWith(mount) ? full.slice(mount.length).replace(/^\/+/, '') : full;
  return { mount, version, full, relative };
}

/** The API path for a prefix: `secret/data/app` on v2, the plain path on v1. */
export function kvApiPath(target: KvTarget, prefix: KvPrefix): string {
  if (target.version === 1 || target.mount === '') return target.full;
  const mount = target.mount.replace(/\/+$/, '');
  return target.relative === '' ? `${mount}/${prefix}` : `${mount}/${prefix}/${target.relative}`;
}

export function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

export function requireV2(target: KvTarget, what: string): void {
  if (target.version !== 2) throw new CliFailure(`K/V engine mount must be version 2 for ${what} support`, 2);
}

/** Vault's `-versions=1,2 -versions=3`: a list flag whose items may be comma-separated. */
export function parseVersions(items: readonly string[] | undefined): number[] {
  const out: number[] = [];
  for (const item of items ?? []) {
    for (const part of item.split(',')) {
      const v = part.trim();
      if (v === '') continue;
      if (!/^\d+$/.test(v)) throw new UsageError(`-versions takes version numbers, not ${JSON.stringify(v)}`);
      out.push(Number(v));
    }
  }
  return out;
}
