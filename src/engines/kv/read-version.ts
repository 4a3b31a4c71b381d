// src/engines/kv — the hot read path of KV v2, shared by `data/` and `subkeys/`: two gets
// (metadata, then the version's data). If a concurrent prune or destroy removed the data
// between the two gets, the read is redone inside one transaction so it sees a consistent
// pair; version data missing there is corruption and throws.
import type { Storage } from '../../storage/storage.js';
import { isLive, versionRecord, versionView } from './key-metadata.js';
import type { KeyMetadata, VersionRecord } from './key-metadata.js';
import { markShared } from '../../lib/shared-value.js';
import { KvV2Store } from './kv-v2-store.js';

export type VersionRead =
  /** No such key or version: the handler returns undefined (404, empty errors). */
  | { readonly kind: 'missing' }
  /** Soft-deleted or destroyed: 404 with the version's metadata in the body. */
  | { readonly kind: 'gone'; readonly metadata: Record<string, unknown> }
  | ({ readonly kind: 'live' } & LiveVersion);

interface LiveVersion {
  readonly metadata: Record<string, unknown>;
  readonly data: Record<string, unknown>;
  /** The `data/` read's answer: `{ data, metadata }`. */
  readonly body: Record<string, unknown>;
}

/**
 * Answers built from shared entries (frozen snapshots from the storage read cache), by the
 * data entry they show. The same version read again while its entries stay cached gets the
 * same answer object, marked shared (lib/shared-value.ts): nothing is rebuilt per read, and
 * what later stages derive from it (the audit text of the response) is made once. An entry
 * changed by a write is a new object, so a stale answer is never found: the check on the
 * metadata object covers a rewrite of the metadata alone (deletion times, custom metadata).
 */
const sharedAnswers = new WeakMap<object, { readonly meta: KeyMetadata; readonly version: number; readonly answer: LiveVersion }>();

function liveVersion(meta: KeyMetadata, version: number, record: VersionRecord, data: Record<string, unknown>): LiveVersion {
  const shared = Object.isFrozen(meta) && Object.isFrozen(data);
  if (shared) {
    const known = sharedAnswers.get(data);
    if (known !== undefined && known.meta === meta && known.version === version) return known.answer;
  }
  const metadata = versionView(meta, version, record);
  const body = { data, metadata };
  const answer: LiveVersion = { metadata, data, body };
  if (shared) {
    markShared(body);
    sharedAnswers.set(data, { meta, version, answer });
  }
  return answer;
}

async function attempt(store: KvV2Store, path: string, requested: number, now: number): Promise<VersionRead | undefined> {
  const meta = await store.readMeta(path);
  if (meta === undefined) return { kind: 'missing' };
  const version = requested > 0 ? requested : meta.current;
  const record = versionRecord(meta, version);
  if (record === undefined) return { kind: 'missing' };
  if (!isLive(record, now)) return { kind: 'gone', metadata: versionView(meta, version, record) };
  const data = await store.readVersion(path, version);
  return data === undefined ? undefined : { kind: 'live', ...liveVersion(meta, version, record, data) };
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
