// src/engines/kv — `metadata/:path` of KV v2: read a key's metadata and version history,
// write or merge-patch its settings (max_versions, cas_required, delete_version_after,
// custom_metadata), delete the key with every version, and LIST a folder.
import { ArcaError } from '../../lib/errors.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import type { FieldValues } from '../../framework/field.js';
import { checkKeyPath, checkListPrefix, readableKeyPath } from './key-path.js';
import { checkCustomMetadata, parseCustomMetadata } from './custom-metadata.js';
import { emptyMetadata, isLive, metadataView, versionRecord } from './key-metadata.js';
import type { KeyMetadata, KvConfig } from './key-metadata.js';
import { KvV2Store } from './kv-v2-store.js';
import { requireMergePatch } from './merge-patch.js';

/** Upper bound on max_versions: a key's metadata holds one record per kept version. */
export const MAX_VERSIONS_LIMIT = 10_000;

const fields = {
  // Empty for `LIST metadata` (the mount root), which some clients send without a slash.
  path: field.string().default('', 'Location of the secret, or the folder to list.'),
  max_versions: field.int(0, MAX_VERSIONS_LIMIT).optional('Versions to keep; 0 uses the mount setting.'),
  cas_required: field.bool().optional('Require check-and-set on every write of this key.'),
  delete_version_after: field.duration().optional('Soft-delete each version this long after it is written; 0 = never.'),
  custom_metadata: field.map().optional('Version-independent string pairs describing the secret.'),
  exclude_deleted: field.bool().default(false, 'On list, leave out keys whose current version is deleted or destroyed.'),
};

type Values = FieldValues<typeof fields>;

const CAS_IGNORED = '"cas_required" set to false, but is mandated by backend config. This value will be ignored.';

function settingsGiven(f: Values): boolean {
  return f.max_versions !== undefined || f.cas_required !== undefined || f.delete_version_after !== undefined || f.custom_metadata !== undefined;
}

function applySettings(meta: KeyMetadata, f: Values): void {
  if (f.max_versions !== undefined) meta.maxVersions = f.max_versions;
  if (f.cas_required !== undefined) meta.casRequired = f.cas_required;
  if (f.delete_version_after !== undefined) meta.deleteVersionAfter = f.delete_version_after;
}

function casWarning(f: Values, config: KvConfig): string[] {
  return f.cas_required === false && config.casRequired ? [CAS_IGNORED] : [];
}

/** Applies a merge patch of custom_metadata: a null value removes that key. */
function patchCustom(current: Record<string, string> | null, patch: Record<string, string | null>): Record<string, string> {
  const out: Record<string, string> = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  checkCustomMetadata(out);
  return out;
}

/**
 * `exclude_deleted` (Vault 1.20's kv plugin): folders stay; a key goes when its current
 * version is not readable (soft-deleted by now, or destroyed). Vault itself drops a key
 * whose current version has any deletion_time, even one still in the future; a version
 * that is still readable is kept here.
 */
async function withoutDeleted(store: KvV2Store, prefix: string, keys: readonly string[], now: number): Promise<string[]> {
  const out: string[] = [];
  for (const key of keys) {
    if (key.endsWith('/')) {
      out.push(key);
      continue;
    }
    const meta = await store.readMeta(prefix + key);
    const current = meta === undefined ? undefined : versionRecord(meta, meta.current);
    if (current === undefined || isLive(current, now)) out.push(key);
  }
  return out;
}

export const pathMetadata: AnyPathSpec = definePath({
  pattern: 'metadata(?:/(?<path>.*))?',
  pureReads: true,
  fields,
  summary: 'Read, configure or delete a secret with all its versions; list secrets.',
  existenceCheck: async ({ fields: f, storage }) => {
    const path = readableKeyPath(f.path);
    return path !== undefined && (await new KvV2Store(storage).readMeta(path)) !== undefined;
  },
  operations: {
    read: async ({ fields: f, storage }) => {
      const path = readableKeyPath(f.path);
      if (path === undefined) return undefined;
      const meta = await new KvV2Store(storage).readMeta(path);
      return meta === undefined ? undefined : { data: metadataView(meta) };
    },

    list: async ({ fields: f, storage, clock }) => {
      const store = new KvV2Store(storage, { shared: true });
      const prefix = checkListPrefix(f.path);
      const listed = await store.list(prefix);
      const keys = f.exclude_deleted ? await withoutDeleted(store, prefix, listed, clock.now()) : listed;
      return keys.length === 0 ? undefined : { data: { keys } };
    },

    update: async ({ fields: f, storage, clock }) => {
      const path = checkKeyPath(f.path);
      if (!settingsGiven(f)) return {};
      const custom = f.custom_metadata === undefined ? undefined : (parseCustomMetadata(f.custom_metadata) as Record<string, string>);
      const now = clock.now();
      const warnings = await KvV2Store.transact(storage, async (store) => {
        const config = await store.readConfig();
        const meta = (await store.readMeta(path)) ?? emptyMetadata(now);
        applySettings(meta, f);
        if (custom !== undefined) meta.custom = custom;
        await store.writeMeta(path, meta);
        return casWarning(f, config);
      });
      return warnings.length > 0 ? { warnings } : {};
    },

    patch: async ({ req, fields: f, storage }) => {
      requireMergePatch(req.headers);
      // '' is 'missing path' (400) as in Vault; a folder key has no metadata to patch (404).
      const path = f.path.endsWith('/') ? readableKeyPath(f.path) : checkKeyPath(f.path);
      if (path === undefined) throw new ArcaError('not_found', '');
      const custom = f.custom_metadata === undefined ? undefined : parseCustomMetadata(f.custom_metadata, true);
      const warnings = await KvV2Store.transact(storage, async (store) => {
        const meta = await store.readMeta(path);
        if (meta === undefined) throw new ArcaError('not_found', '');
        const config = await store.readConfig();
        applySettings(meta, f);
        if (custom !== undefined) meta.custom = patchCustom(meta.custom, custom);
        await store.writeMeta(path, meta);
        return casWarning(f, config);
      });
      return warnings.length > 0 ? { warnings } : {};
    },

    delete: async ({ fields: f, storage }) => {
      const path = readableKeyPath(f.path);
      if (path === undefined) return {};
      await KvV2Store.transact(storage, (store) => store.deleteKey(path));
      return {};
    },
  },
});
