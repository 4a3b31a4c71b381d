// src/barrier — plaintext access to the seal's own physical keys (`core/seal-config`,
// `core/root-key`), which must stay readable while sealed. Only those keys pass; the
// keyring is reachable solely through SecurityBarrier, and ordinary entries solely through
// the encrypting view. Values written here are stored as given: callers seal anything
// secret themselves (the key-file seal encrypts the root key before writing it).
import type { StorageWriter } from '../storage/storage.js';
import { ArcaError } from '../lib/errors.js';
import { RESERVED_KEYS } from './reserved-keys.js';

const allowed: ReadonlySet<string> = new Set([RESERVED_KEYS.sealConfig, RESERVED_KEYS.rootKey]);

export type ReservedKey = typeof RESERVED_KEYS.sealConfig | typeof RESERVED_KEYS.rootKey;

function check(key: string): void {
  if (!allowed.has(key)) {
    throw new ArcaError('internal', `barrier: "${key}" is not a plaintext seal key`);
  }
}

export class ReservedStore {
  private readonly store: StorageWriter;

  constructor(store: StorageWriter) {
    this.store = store;
  }

  /** The same accessor over another store, e.g. a physical transaction. */
  within(tx: StorageWriter): ReservedStore {
    return new ReservedStore(tx);
  }

  async get(key: ReservedKey): Promise<Uint8Array | undefined> {
    check(key);
    return this.store.get(key);
  }

  async put(key: ReservedKey, value: Uint8Array): Promise<void> {
    check(key);
    return this.store.put(key, value);
  }

  async delete(key: ReservedKey): Promise<void> {
    check(key);
    return this.store.delete(key);
  }
}
