// src/engines/kv — the stored model of a KV v2 key and the pure rules over it: version
// bookkeeping (max_versions pruning, delete_version_after), check-and-set, liveness of a
// version, and the JSON views Vault's API returns. Times are epoch milliseconds in storage
// and RFC 3339 strings on the wire ("" when unset); durations are whole seconds.
import { ArcaError } from '../../lib/errors.js';
import { formatDuration } from '../../lib/duration.js';

/** Vault keeps 10 versions when neither the key nor the mount says otherwise. */
export const DEFAULT_MAX_VERSIONS = 10;

export interface VersionRecord {
  readonly created: number;
  /** When the version is (or becomes) soft-deleted; null when it is not scheduled. */
  deleted: number | null;
  destroyed: boolean;
}

export interface KeyMetadata {
  created: number;
  updated: number;
  current: number;
  /** 0 until pruning first happens, then the oldest version still kept (as Vault). */
  oldest: number;
  maxVersions: number;
  casRequired: boolean;
  deleteVersionAfter: number;
  custom: Record<string, string> | null;
  /** Keyed by the version number in decimal. */
  versions: Record<string, VersionRecord>;
}

/** The mount-wide settings at `config`. */
export interface KvConfig {
  maxVersions: number;
  casRequired: boolean;
  /** Seconds; 0 = unset, negative = disabled for every key of the mount (Vault's -1s). */
  deleteVersionAfter: number;
}

export const DEFAULT_CONFIG: Readonly<KvConfig> = { maxVersions: 0, casRequired: false, deleteVersionAfter: 0 };

export function emptyMetadata(now: number): KeyMetadata {
  return {
    created: now, updated: now, current: 0, oldest: 0, maxVersions: 0, casRequired: false,
    deleteVersionAfter: 0, custom: null, versions: {},
  };
}

export function formatTime(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString();
}

export function versionRecord(meta: KeyMetadata, version: number): VersionRecord | undefined {
  return Object.prototype.hasOwnProperty.call(meta.versions, String(version)) ? meta.versions[String(version)] : undefined;
}

/** Readable: not destroyed and not (yet) soft-deleted. */
export function isLive(record: VersionRecord, now: number): boolean {
  return !record.destroyed && (record.deleted === null || record.deleted > now);
}

/** Vault shows an empty custom_metadata as null (its stored form drops empty maps). */
function customView(custom: Record<string, string> | null): Record<string, string> | null {
  return custom === null || Object.keys(custom).length === 0 ? null : custom;
}

/** The per-version metadata Vault returns with data reads and writes. */
export function versionView(meta: KeyMetadata, version: number, record: VersionRecord): Record<string, unknown> {
  return {
    created_time: formatTime(record.created),
    custom_metadata: customView(meta.custom),
    deletion_time: formatTime(record.deleted),
    destroyed: record.destroyed,
    version,
  };
}

/** The body of `GET metadata/:path`. */
export function metadataView(meta: KeyMetadata): Record<string, unknown> {
  const versions: Record<string, unknown> = {};
  for (const [num, rec] of Object.entries(meta.versions)) {
    versions[num] = { created_time: formatTime(rec.created), deletion_time: formatTime(rec.deleted), destroyed: rec.destroyed };
  }
  return {
    cas_required: meta.casRequired,
    created_time: formatTime(meta.created),
    current_version: meta.current,
    custom_metadata: customView(meta.custom),
    delete_version_after: formatDuration(meta.deleteVersionAfter),
    max_versions: meta.maxVersions,
    oldest_version: meta.oldest,
    updated_time: formatTime(meta.updated),
    versions,
  };
}

/** Enforces cas_required (key or mount) and a given `cas` against the current version. */
export function checkCas(cas: number | undefined, meta: KeyMetadata, config: KvConfig): void {
  if (cas === undefined) {
    if (config.casRequired || meta.casRequired) {
      throw new ArcaError('invalid_request', 'check-and-set parameter required for this call');
    }
    return;
  }
  if (cas !== meta.current) {
    throw new ArcaError('invalid_request', 'check-and-set parameter did not match the current version');
  }
}

/** Reads `options.cas`: undefined when absent, else a non-negative integer. */
export function parseCas(options: Readonly<Record<string, unknown>> | undefined): number | undefined {
  if (options === undefined || !Object.prototype.hasOwnProperty.call(options, 'cas')) return undefined;
  const raw = options['cas'];
  const n = typeof raw === 'string' && /^\d{1,16}$/.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new ArcaError('invalid_request', 'error parsing check-and-set parameter');
  }
  return n;
}

/**
 * The larger of the key's and the mount's max_versions, else 10. Vault's rule
 * (KeyMetadata.AddVersion takes the max of the two): a key cannot keep fewer versions than
 * its mount is configured to keep.
 */
export function effectiveMaxVersions(meta: KeyMetadata, config: KvConfig): number {
  const max = Math.max(meta.maxVersions, config.maxVersions);
  return max > 0 ? max : DEFAULT_MAX_VERSIONS;
}

/**
 * Seconds until a version is soft-deleted: the shorter of key and mount, 0 = never. A
 * negative mount setting disables delete_version_after for every key, as in Vault.
 */
export function effectiveDeleteAfter(meta: KeyMetadata, config: KvConfig): number {
  if (config.deleteVersionAfter < 0) return 0;
  const set = [meta.deleteVersionAfter, config.deleteVersionAfter].filter((s) => s > 0);
  return set.length === 0 ? 0 : Math.min(...set);
}

/** When a version written (or undeleted) at `now` becomes soft-deleted; null = never. */
export function scheduledDeletion(meta: KeyMetadata, config: KvConfig, now: number): number | null {
  const after = effectiveDeleteAfter(meta, config);
  return after > 0 ? now + after * 1000 : null;
}

/**
 * Records a new current version created at `now` and prunes versions beyond max_versions.
 * Mutates `meta`; returns the new version number and the pruned ones (whose data the
 * caller deletes in the same transaction).
 */
export function addVersion(meta: KeyMetadata, config: KvConfig, now: number): { version: number; pruned: number[] } {
  meta.current += 1;
  meta.versions[String(meta.current)] = { created: now, deleted: scheduledDeletion(meta, config, now), destroyed: false };
  meta.updated = now;
  const max = effectiveMaxVersions(meta, config);
  const pruned: number[] = [];
  if (meta.current - meta.oldest >= max) {
    const last = meta.current - max;
    for (const key of Object.keys(meta.versions)) {
      if (Number(key) <= last) {
        pruned.push(Number(key));
        delete meta.versions[key];
      }
    }
    meta.oldest = last + 1;
  }
  return { version: meta.current, pruned: pruned.sort((a, b) => a - b) };
}
