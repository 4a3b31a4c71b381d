// src/engines/kv — the `versions` list taken by delete/, undelete/ and destroy/, and the
// transaction that applies one change to each listed version of a key. Versions that do
// not exist are skipped, as Vault does; a missing key is a no-op (204).
import { ArcaError } from '../../lib/errors.js';
import type { Storage } from '../../storage/storage.js';
import { versionRecord } from './key-metadata.js';
import type { KeyMetadata, KvConfig, VersionRecord } from './key-metadata.js';
import { KvV2Store } from './kv-v2-store.js';

/** Most versions one request may name (bounded input; far above any max_versions). */
const MAX_LISTED = 10_000;

/**
 * Parses `versions` ([1,2] or "1,2"): positive integers, at least one. `missing` is the
 * message when none is given (Vault words it "No version number provided" on delete/ and
 * undelete/, "no version number provided" on destroy/).
 */
export function parseVersionList(raw: readonly string[] | undefined, missing = 'no version number provided'): number[] {
  if (raw === undefined || raw.length === 0) throw new ArcaError('invalid_request', missing);
  if (raw.length > MAX_LISTED) throw new ArcaError('invalid_request', `at most ${MAX_LISTED} versions may be given`);
  const out = new Set<number>();
  for (const item of raw) {
    const n = /^\d{1,16}$/.test(item) ? Number(item) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new ArcaError('invalid_request', `invalid value for field "versions": ${JSON.stringify(item.slice(0, 32))} is not a version number`);
    }
    out.add(n);
  }
  return [...out];
}

/** What `apply` may consult besides the record: the key's metadata and the mount config. */
export interface VersionContext {
  readonly meta: KeyMetadata;
  readonly config: KvConfig;
}

/**
 * In one transaction, calls `apply` for each listed version that exists; `apply` mutates
 * the record (and may touch the version's data through the store) and says whether it
 * changed anything. Metadata is written only when something changed.
 */
export async function updateVersions(
  storage: Storage,
  path: string,
  versions: readonly number[],
  apply: (store: KvV2Store, record: VersionRecord, version: number, ctx: VersionContext) => Promise<boolean>,
): Promise<void> {
  await KvV2Store.transact(storage, async (store) => {
    const meta = await store.readMeta(path);
    if (meta === undefined) return;
    const ctx: VersionContext = { meta, config: await store.readConfig() };
    let changed = false;
    for (const version of versions) {
      const record = versionRecord(meta, version);
      if (record !== undefined && (await apply(store, record, version, ctx))) changed = true;
    }
    if (changed) await store.writeMeta(path, meta);
  });
}
