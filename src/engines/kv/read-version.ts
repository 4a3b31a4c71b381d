// src/engines/kv — the hot read path of KV v2, shared by `data/` and `subkeys/`: two gets
// (metadata, then the version's data). If a concurrent prune or destroy removed the data
// between the two gets, the read is redone inside one transaction so it sees a consistent
// pair; version data missing there is corruption and throws.
import type { Storage } from '../../storage/storage.js';
import { isLive, versionRecord, versionView } from './key-metadata.js';
import { KvV2Store } from './kv-v2-store.js';

export type VersionRead =
  /** No such key or version: the handler returns undefined (404, empty errors). */
  | { readonly kind: 'missing' }
  /** Soft-deleted or destroyed: 404 with the version's metadata in the body. */
  | { readonly kind: 'gone'; readonly metadata: Record<string, unknown> }
  | { readonly kind: 'live'; readonly metadata: Record<string, unknown>; readonly data: Record<string, unknown> };

async function attempt(store: KvV2Store, path: string, requested: number, now: number): Promise<VersionRead | undefined> {
  const meta = await store.readMeta(path);
  if (meta === undefined) return { kind: 'missing' };
  const version = requested > 0 ? requested : meta.current;
  const record = versionRecord(meta, version);
  if (record === undefined) return { kind: 'missing' };
  const metadata = versionView(meta, version, record);
  if (!isLive(record, now)) return { kind: 'gone', metadata };
  const data = await store.readVersion(path, version);
  return data === undefined ? undefined : { kind: 'live', metadata, data };
}

/** Reads `version` of `path` (0 = the current version). */
export async function readVersion(storage: Storage, path: string, version: number, now: number): Promise<VersionRead> {
  // Read-only: metadata and data may be shared, frozen snapshots (see KvV2Store).
  const fast = await attempt(new KvV2Store(storage, { shared: true }), path, version, now);
  if (fast !== undefined) return fast;
  return KvV2Store.transact(storage, async (store) => {
    const result = await attempt(store, path, version, now);
    if (result === undefined) throw new Error('kv version data missing for a live version');
    return result;
  });
}
