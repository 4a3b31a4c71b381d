// src/core/tokens — the token store's storage layout (keys above the barrier):
//   sys/token/salt                            32 random bytes, the HMAC key (created on first use)
//   sys/token/id/<tokenKey>                   TokenEntry
//   sys/token/accessor/<accessor>             { id: tokenKey }
//   sys/token/parent/<parentKey>/<childKey>   empty: the parent/child tree, read by range
//   sys/token/mount/<mountAccessor>/<tokenKey> empty: login tokens by the auth mount that minted
//                                             them (written with the token, deleted with its
//                                             records), read by range when the mount is disabled
// Lookups go by HMAC, so no token is ever compared as a string.
import { createHmac, randomBytes } from 'node:crypto';
import type { Storage, StorageReader, StorageWriter } from '../../storage/storage.js';
import { readShared } from '../../storage/storage.js';
import { LruCache } from '../../lib/lru-cache.js';
import { secretCacheKey } from '../../lib/secret-cache-key.js';
import { storedJson } from '../leases/stored-json.js';
import type { TokenEntry } from './token-entry.js';

export const SALT_KEY = 'sys/token/salt';
export const ID_PREFIX = 'sys/token/id/';
export const ACCESSOR_PREFIX = 'sys/token/accessor/';
export const PARENT_PREFIX = 'sys/token/parent/';
export const MOUNT_PREFIX = 'sys/token/mount/';

export const tokenKeys = {
  id: (tokenKey: string): string => `${ID_PREFIX}${tokenKey}`,
  accessor: (accessor: string): string => `${ACCESSOR_PREFIX}${accessor}`,
  children: (parentKey: string): string => `${PARENT_PREFIX}${parentKey}/`,
  child: (parentKey: string, childKey: string): string => `${PARENT_PREFIX}${parentKey}/${childKey}`,
  mountTokens: (mountAccessor: string): string => `${MOUNT_PREFIX}${mountAccessor}/`,
  mountToken: (mountAccessor: string, tokenKey: string): string => `${MOUNT_PREFIX}${mountAccessor}/${tokenKey}`,
};

/** A mount accessor usable as one key segment (the router's are `<type>_<8 hex>`). */
export function isIndexableAccessor(mountAccessor: string): boolean {
  return mountAccessor !== '' && mountAccessor.length <= 128 && !mountAccessor.includes('/');
}

const MAX_TOKEN_LENGTH = 1024;
/**
 * Recent token → key results. The key is a pure function of the token and the salt, which
 * never changes, so entries never go stale; it spares a fresh native Hmac (≈ 4 µs) on every
 * request of a busy token. Only the derivation is cached: the entry itself is read from
 * storage on every lookup, so revocation and expiry stay exact on every node. The cache is
 * keyed by the token's SHA-256 (secretCacheKey): no raw token outlives its request here.
 */
const KEY_CACHE_SIZE = 4096;

/** Module-level, so shared decoded entries are matched by this function's identity. */
function decodeTokenEntry(bytes: Uint8Array): TokenEntry {
  return storedJson.decode<TokenEntry>(bytes);
}

export class TokenRecords {
  private salt: Promise<Buffer> | undefined;
  private readonly keys = new LruCache<string, string>(KEY_CACHE_SIZE);

  constructor(readonly storage: Storage) {}

  /** HMAC-SHA256(token, salt) in hex; the same token always gives the same key. */
  async keyOf(token: string): Promise<string | undefined> {
    if (token === '' || token.length > MAX_TOKEN_LENGTH) return undefined;
    const cacheKey = secretCacheKey(token);
    const known = this.keys.get(cacheKey);
    if (known !== undefined) return known;
    const salt = await this.loadSalt();
    return this.keys.memo(cacheKey, () => createHmac('sha256', salt).update(token, 'utf8').digest('hex'));
  }

  /**
   * Outside a transaction the entry may be a shared, frozen snapshot (storage's readShared:
   * decoded once per cache fill, not per request); callers build new entries, never edit.
   */
  async get(tokenKey: string, reader: StorageReader = this.storage): Promise<TokenEntry | undefined> {
    if (!/^[0-9a-f]{64}$/.test(tokenKey)) return undefined;
    const key = tokenKeys.id(tokenKey);
    if (reader === this.storage) return readShared(reader, key, decodeTokenEntry);
    const bytes = await reader.get(key);
    return bytes ? decodeTokenEntry(bytes) : undefined;
  }

  async put(tx: StorageWriter, entry: TokenEntry): Promise<void> {
    await tx.put(tokenKeys.id(entry.id), storedJson.encode(entry));
  }

  async keyOfAccessor(accessor: string, reader: StorageReader = this.storage): Promise<string | undefined> {
    if (accessor === '' || accessor.length > 128 || accessor.includes('/')) return undefined;
    const bytes = await reader.get(tokenKeys.accessor(accessor));
    return bytes ? storedJson.decode<{ id: string }>(bytes).id : undefined;
  }

  async putAccessor(tx: StorageWriter, accessor: string, tokenKey: string): Promise<void> {
    await tx.put(tokenKeys.accessor(accessor), storedJson.encode({ id: tokenKey }));
  }

  /** The salt is immutable once written; a transaction makes two nodes agree on it. */
  private loadSalt(): Promise<Buffer> {
    this.salt ??= this.storage
      .transaction(async (tx) => {
        const existing = await tx.get(SALT_KEY);
        if (existing) return Buffer.from(existing);
        const fresh = randomBytes(32);
        await tx.put(SALT_KEY, fresh);
        return fresh;
      })
      .catch((err: unknown) => {
        this.salt = undefined;
        throw err;
      });
    return this.salt;
  }
}
