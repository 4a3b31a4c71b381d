// src/engines/kv — the KV v1 → v2 upgrade, run by a v2 backend before it serves (Vault's
// Upgrade in its kv plugin, kicked off by tuning options.version from 1 to 2). Each v1
// secret under `kv/` becomes version 1 of the same path (current_version 1,
// oldest_version 1, created now, no deletion scheduled) and its v1 entry is deleted, in one
// transaction per key. Keys are moved, not copied, so a crash mid-way leaves each key in
// exactly one layout and the next start resumes where this one stopped; several nodes
// running it at once each see a moved key as gone and skip it.
import type { Storage } from '../../storage/storage.js';
import { isJsonObject, readJson } from './json-entry.js';
import { addVersion, emptyMetadata } from './key-metadata.js';
import { KvV2Store } from './kv-v2-store.js';
import { KV_V1_PREFIX } from './path-kv-v1.js';

const BATCH = 500;

/** Moves every KV v1 secret of the mount into the v2 layout; returns how many moved. */
export async function upgradeFromV1(storage: Storage, now: () => number): Promise<number> {
  let moved = 0;
  for (;;) {
    const keys = await storage.scan(KV_V1_PREFIX, { limit: BATCH });
    if (keys.length === 0) return moved;
    for (const key of keys) {
      const path = key.slice(KV_V1_PREFIX.length);
      const done = await storage.transaction(async (tx) => {
        const data = await readJson(tx, key);
        if (data === undefined) return false;
        if (!isJsonObject(data)) throw new Error('corrupt key/value entry');
        const store = new KvV2Store(tx);
        const at = now();
        // Vault's upgrade adds the version with max_versions 1: oldest_version becomes 1.
        // A path that somehow already has v2 metadata gets the v1 data as its next version
        // instead, so nothing is lost.
        const existing = await store.readMeta(path);
        const meta = existing ?? emptyMetadata(at);
        const config = existing === undefined ? { maxVersions: 1, casRequired: false, deleteVersionAfter: 0 } : await store.readConfig();
        const { version, pruned } = addVersion(meta, config, at);
        await store.writeVersion(path, version, data);
        for (const old of pruned) await store.deleteVersion(path, old);
        await store.writeMeta(path, meta);
        await tx.delete(key);
        return true;
      });
      if (done) moved += 1;
    }
  }
}
