// src/engines/kv — `data/:path` of KV v2: read a version (`?version=`), write a new
// version (`options.cas` check-and-set), merge-patch the current version, soft-delete the
// current version. Every write is one storage transaction: metadata and version data
// change together, and concurrent writers with the same `cas` cannot both succeed.
import { ArcaError } from '../../lib/errors.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import { readableKeyPath } from './key-path.js';
import { isJsonObject } from './json-entry.js';
import { addVersion, checkCas, emptyMetadata, isLive, parseCas, versionRecord, versionView } from './key-metadata.js';
import type { KeyMetadata, KvConfig } from './key-metadata.js';
import { KvV2Store } from './kv-v2-store.js';
import { mergePatch, requireMergePatch } from './merge-patch.js';
import { readVersion } from './read-version.js';

const fields = {
  path: field.string().required('Location of the secret.'),
  // Vault reads any version <= 0 as the current one.
  version: field.int().optional('On read, the version to return (0, negative or absent: the current one).'),
  data: field.map().optional('The key/value pairs stored as the new version.'),
  options: field.map().optional('Write options; "cas" enables check-and-set.'),
};

/** Appends `data` as the next version of `path`; returns the new version's metadata. */
async function appendVersion(
  store: KvV2Store,
  path: string,
  meta: KeyMetadata,
  config: KvConfig,
  data: Readonly<Record<string, unknown>>,
  now: number,
): Promise<Record<string, unknown>> {
  const { version, pruned } = addVersion(meta, config, now);
  await store.writeVersion(path, version, data);
  for (const old of pruned) await store.deleteVersion(path, old);
  await store.writeMeta(path, meta);
  const record = versionRecord(meta, version);
  if (record === undefined) throw new Error('new kv version missing from its metadata');
  return versionView(meta, version, record);
}

/** Vault's `data/` route matches no '' or trailing-'/' key: such a write is 404, not 400. */
function keyOrNotFound(path: string): string {
  const key = readableKeyPath(path);
  if (key === undefined) throw new ArcaError('not_found', '');
  return key;
}

export const pathData: AnyPathSpec = definePath({
  pattern: 'data/(?<path>.*)',
  pureReads: true,
  fields,
  summary: 'Read, write, patch or soft-delete versioned secret data.',
  existenceCheck: async ({ fields: f, storage }) => {
    const path = readableKeyPath(f.path);
    return path !== undefined && (await new KvV2Store(storage).readMeta(path)) !== undefined;
  },
  operations: {
    read: async ({ fields: f, storage, clock }) => {
      const path = readableKeyPath(f.path);
      if (path === undefined) return undefined;
      const result = await readVersion(storage, path, f.version ?? 0, clock.now());
      if (result.kind === 'missing') return undefined;
      if (result.kind === 'gone') throw new ArcaError('not_found', '', { data: { data: null, metadata: result.metadata } });
      return { data: result.body };
    },

    update: async ({ fields: f, storage, clock }) => {
      const path = keyOrNotFound(f.path);
      const data = f.data;
      if (data === undefined) throw new ArcaError('invalid_request', 'no data provided');
      const cas = parseCas(f.options);
      const now = clock.now();
      const view = await KvV2Store.transact(storage, async (store) => {
        const config = await store.readConfig();
        const meta = (await store.readMeta(path)) ?? emptyMetadata(now);
        checkCas(cas, meta, config);
        return appendVersion(store, path, meta, config, data, now);
      });
      return { data: view };
    },

    patch: async ({ req, fields: f, storage, clock }) => {
      requireMergePatch(req.headers);
      const path = keyOrNotFound(f.path);
      const patch = f.data;
      if (patch === undefined) throw new ArcaError('invalid_request', 'no data provided');
      const cas = parseCas(f.options);
      const now = clock.now();
      const view = await KvV2Store.transact(storage, async (store) => {
        const meta = await store.readMeta(path);
        if (meta === undefined) throw new ArcaError('not_found', '');
        const config = await store.readConfig();
        checkCas(cas, meta, config);
        const record = versionRecord(meta, meta.current);
        if (record === undefined) throw new ArcaError('not_found', '');
        if (!isLive(record, now)) throw new ArcaError('not_found', '', { data: versionView(meta, meta.current, record) });
        const current = await store.readVersion(path, meta.current);
        if (current === undefined) throw new Error('kv version data missing for a live version');
        const merged = mergePatch(current, patch);
        if (!isJsonObject(merged)) throw new Error('merge patch of two objects must be an object');
        return appendVersion(store, path, meta, config, merged, now);
      });
      return { data: view };
    },

    delete: async ({ fields: f, storage, clock }) => {
      const path = keyOrNotFound(f.path);
      const now = clock.now();
      await KvV2Store.transact(storage, async (store) => {
        const meta = await store.readMeta(path);
        if (meta === undefined) return;
        const record = versionRecord(meta, meta.current);
        if (record === undefined || !isLive(record, now)) return;
        record.deleted = now;
        await store.writeMeta(path, meta);
      });
      return {};
    },
  },
});
