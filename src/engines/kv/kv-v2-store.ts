// src/engines/kv — KV v2's storage layout, the only code that knows key names. Layout
// under the mount's view (see docs/design/kv.md):
//   config                         mount settings (KvConfig)
//   meta/<path>                    KeyMetadata, versions map included
//   ver/<sha256(path)>/<version>   one version's data map; version zero-padded to 16 digits
// Listing a folder is one `list('meta/<folder>/')`; reading the latest version is two gets
// (metadata, then the version). Version keys hash the path so one key's versions never
// share a prefix with another key's (a path "a/1" cannot collide with version 1 of "a").
// A store wraps either the mount storage or one transaction of it. A `shared` store (the
// read path outside transactions) may return frozen values shared with other readers.
import { createHash } from 'node:crypto';
import { LruCache } from '../../lib/lru-cache.js';
import type { Storage, StorageWriter } from '../../storage/storage.js';
import { isJsonObject, readJson, readJsonShared, writeJson } from './json-entry.js';
import { DEFAULT_CONFIG } from './key-metadata.js';
import type { KeyMetadata, KvConfig } from './key-metadata.js';

const CONFIG_KEY = 'config';
const META_PREFIX = 'meta/';
const VERSION_PREFIX = 'ver/';

/** Recent path → version prefix (a pure function of the path): a read skips a SHA-256. */
const versionPrefixes = new LruCache<string, string>(4096);

function versionPrefix(path: string): string {
  return versionPrefixes.memo(path, (p) => `${VERSION_PREFIX}${createHash('sha256').update(p, 'utf8').digest('hex')}/`);
}

function versionKey(path: string, version: number): string {
  return versionPrefix(path) + String(version).padStart(16, '0');
}

export class KvV2Store {
  private readonly read: (storage: StorageWriter, key: string) => Promise<unknown>;

  constructor(
    private readonly storage: StorageWriter,
    options: { readonly shared?: boolean } = {},
  ) {
    this.read = options.shared === true ? readJsonShared : readJson;
  }

  /**
   * Runs `fn` against a store bound to one transaction of `storage` (read-modify-write).
   * Every KV v2 change writes the key's metadata record, so two changes to one key always
   * write a key in common and cannot both commit on stale reads; what else a change reads
   * (the mount's config, the key's version records) is either written in the same
   * transaction or harmless to read a moment stale (a config change racing a write applies
   * from the next write). So only written keys need to conflict (TransactionOptions), which
   * spares writers of neighbouring keys on PostgreSQL from aborting each other.
   */
  static transact<T>(storage: Storage, fn: (store: KvV2Store) => Promise<T>): Promise<T> {
    return storage.transaction((tx) => fn(new KvV2Store(tx)), { conflicts: 'written-keys' });
  }

  async readConfig(): Promise<KvConfig> {
    const raw = await readJson(this.storage, CONFIG_KEY);
    return isJsonObject(raw) ? { ...DEFAULT_CONFIG, ...(raw as Partial<KvConfig>) } : { ...DEFAULT_CONFIG };
  }

  async writeConfig(config: KvConfig): Promise<void> {
    await writeJson(this.storage, CONFIG_KEY, config);
  }

  async readMeta(path: string): Promise<KeyMetadata | undefined> {
    const raw = await this.read(this.storage, META_PREFIX + path);
    if (raw === undefined) return undefined;
    if (!isJsonObject(raw) || !isJsonObject(raw['versions'])) throw new Error('corrupt kv metadata entry');
    return raw as unknown as KeyMetadata;
  }

  async writeMeta(path: string, meta: KeyMetadata): Promise<void> {
    await writeJson(this.storage, META_PREFIX + path, meta);
  }

  async readVersion(path: string, version: number): Promise<Record<string, unknown> | undefined> {
    const raw = await this.read(this.storage, versionKey(path, version));
    if (raw === undefined) return undefined;
    if (!isJsonObject(raw)) throw new Error('corrupt kv version entry');
    return raw;
  }

  async writeVersion(path: string, version: number, data: Readonly<Record<string, unknown>>): Promise<void> {
    await writeJson(this.storage, versionKey(path, version), data);
  }

  async deleteVersion(path: string, version: number): Promise<void> {
    await this.storage.delete(versionKey(path, version));
  }

  /** Removes the metadata and every stored version of `path`. */
  async deleteKey(path: string): Promise<void> {
    for (const key of await this.storage.scan(versionPrefix(path))) await this.storage.delete(key);
    await this.storage.delete(META_PREFIX + path);
  }

  /** Immediate children of a folder ('' or ending in '/'), folders with a trailing '/'. */
  list(folder: string): Promise<string[]> {
    return this.storage.list(META_PREFIX + folder);
  }
}
