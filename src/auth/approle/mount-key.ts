// src/auth/approle — the per-mount HMAC key. Secret-ids are stored only as
// HMAC-SHA256(key, secret_id) and role_ids are indexed the same way, so storage never holds
// a usable credential and every index key is storage-safe whatever the caller chose. The
// key is made on first use inside a transaction (two nodes racing agree on one key) and
// then cached: it never changes for the life of the mount.
import { createHmac, randomBytes } from 'node:crypto';
import type { StorageView } from '../../storage/storage-view.js';

const KEY_PATH = 'hmac-key';

export type Hasher = (value: string) => string;

export class MountKey {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly storage: StorageView) {}

  /**
   * A synchronous hex HMAC-SHA256 under this mount's key. Get it before opening a
   * transaction: loading the key may itself need one.
   */
  async hasher(): Promise<Hasher> {
    const key = await this.load();
    return (value) => createHmac('sha256', key).update(value, 'utf8').digest('hex');
  }

  private load(): Promise<Buffer> {
    this.key ??= this.storage
      .transaction(async (tx) => {
        const stored = await tx.getJson<{ key: string }>(KEY_PATH);
        if (stored) return Buffer.from(stored.key, 'base64');
        const fresh = randomBytes(32);
        await tx.putJson(KEY_PATH, { key: fresh.toString('base64') });
        return fresh;
      })
      .catch((err: unknown) => {
        this.key = undefined; // let the next request try again
        throw err;
      });
    return this.key;
  }
}
