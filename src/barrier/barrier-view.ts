// src/barrier — encrypting Storage over any physical StorageWriter (the backend itself or
// one of its transactions). Values are sealed with the keyring's active term and opened
// with whichever term they name; the storage path is bound into each ciphertext (see
// barrier-cipher.ts). Keys reserved for the barrier and seal are refused and hidden.
import type { Parse, ScanOptions, SharedReader, StorageWriter } from '../storage/storage.js';
import { ArcaError } from '../lib/errors.js';
import { BarrierCipher } from './barrier-cipher.js';
import type { KeyTerm } from './keyring.js';
import type { BarrierReadCache } from './barrier-read-cache.js';
import { RESERVED_KEYS, isReservedKey } from './reserved-keys.js';

/** What a view needs from the barrier: the unsealed keyring, without owning it. */
export interface BarrierKeys {
  /** The term new writes use; throws ArcaError('sealed') while sealed. */
  activeTerm(): KeyTerm;
  /** A known term, or undefined (the caller may then `reload` once). */
  term(term: number): KeyTerm | undefined;
  /** Re-reads the keyring from storage (another node may have rotated). */
  reload(): Promise<void>;
  countEncryption(): void;
}

/** How a view takes part in the barrier's read cache. */
export interface ViewCaching {
  /** Reads are served from and fill this cache (only a view whose reads see committed data). */
  readonly cache?: BarrierReadCache;
  /** Called before and after every put/delete of `key`, so the cache drops it. */
  readonly onWrite?: (key: string) => void;
}

function holdsReservedKey(folder: string): boolean {
  return Object.values(RESERVED_KEYS).some((key) => key.startsWith(folder));
}

function refuseReserved(key: string): void {
  if (isReservedKey(key)) {
    throw new ArcaError('invalid_request', `"${key}" is reserved for the barrier and seal`);
  }
}

export class BarrierView implements StorageWriter, SharedReader {
  private readonly store: StorageWriter;
  private readonly keys: BarrierKeys;
  private readonly caching: ViewCaching;

  constructor(store: StorageWriter, keys: BarrierKeys, caching: ViewCaching = {}) {
    this.store = store;
    this.keys = keys;
    this.caching = caching;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.keys.activeTerm();
    refuseReserved(key);
    const cache = this.caching.cache;
    if (cache === undefined) return this.read(key);
    const hit = cache.lookup(key);
    if (hit !== undefined) return hit.value;
    const ticket = cache.begin(key);
    try {
      const plain = await this.read(key);
      cache.fill(key, ticket, plain);
      return plain;
    } catch (err) {
      cache.abandon(key, ticket);
      throw err;
    }
  }

  /**
   * See storage's readShared. With a cache, the parsed value lives beside the entry's bytes
   * (parsed once per fill, frozen, shared); without one, each call parses its own read.
   */
  async getShared<T>(key: string, parse: Parse<T>): Promise<T | undefined> {
    const cache = this.caching.cache;
    if (cache === undefined) {
      const bytes = await this.get(key);
      return bytes === undefined ? undefined : parse(bytes);
    }
    this.keys.activeTerm();
    refuseReserved(key);
    const hit = cache.lookupParsed(key, parse);
    if (hit !== undefined) return hit.value as T | undefined;
    const bytes = await this.get(key);
    // Filled just now, unless a write raced the read or the entry is too large to keep:
    // then this call parses what it read, unshared.
    const filled = cache.lookupParsed(key, parse);
    if (filled !== undefined) return filled.value as T | undefined;
    return bytes === undefined ? undefined : parse(bytes);
  }

  /** Reads and opens the entry at `key` from the store underneath. */
  private async read(key: string): Promise<Uint8Array | undefined> {
    const blob = await this.store.get(key);
    if (blob === undefined) return undefined;
    const termNumber = BarrierCipher.termOf(blob);
    if (termNumber === undefined) {
      throw new ArcaError('internal', `barrier: the entry at "${key}" is not a barrier ciphertext`);
    }
    let term = this.keys.term(termNumber);
    if (term === undefined) {
      await this.keys.reload();
      term = this.keys.term(termNumber);
    }
    if (term === undefined) {
      throw new ArcaError('internal', `barrier: the entry at "${key}" uses unknown keyring term ${termNumber}`);
    }
    const plain = BarrierCipher.decrypt(term.key, key, blob);
    if (plain === undefined) {
      throw new ArcaError(
        'internal',
        `barrier: cannot decrypt the entry at "${key}" (term ${termNumber}): it was tampered with or copied from another key`,
      );
    }
    return plain;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const term = this.keys.activeTerm();
    refuseReserved(key);
    const blob = BarrierCipher.encrypt(term.key, term.term, key, value);
    this.keys.countEncryption();
    await this.written(key, () => this.store.put(key, blob));
  }

  async delete(key: string): Promise<void> {
    this.keys.activeTerm();
    refuseReserved(key);
    await this.written(key, () => this.store.delete(key));
  }

  /** Runs a write with the cache told before (voiding reads in flight) and after it lands. */
  private async written(key: string, write: () => Promise<void>): Promise<void> {
    const onWrite = this.caching.onWrite;
    if (onWrite === undefined) return write();
    onWrite(key);
    try {
      await write();
    } finally {
      onWrite(key);
    }
  }

  async list(prefix: string): Promise<string[]> {
    this.keys.activeTerm();
    const children = await this.store.list(prefix);
    const out: string[] = [];
    for (const child of children) {
      const full = prefix + child;
      if (isReservedKey(full)) continue;
      // A folder holding only reserved keys (`core/` on a fresh store) is invisible here.
      if (child.endsWith('/') && holdsReservedKey(full) && (await this.scan(full, { limit: 1 })).length === 0) continue;
      out.push(child);
    }
    return out;
  }

  async scan(prefix: string, options: ScanOptions = {}): Promise<string[]> {
    this.keys.activeTerm();
    const { limit } = options;
    const out: string[] = [];
    let after = options.after;
    // Reserved keys are few, so at most a handful of extra round trips fill a page.
    for (;;) {
      const want = limit === undefined ? undefined : limit - out.length;
      const page = await this.store.scan(prefix, {
        ...(after === undefined ? {} : { after }),
        ...(want === undefined ? {} : { limit: want }),
      });
      for (const key of page) if (!isReservedKey(key)) out.push(key);
      const last = page[page.length - 1];
      if (want === undefined || last === undefined || page.length < want || out.length >= (limit ?? 0)) {
        return out;
      }
      after = last;
    }
  }
}
