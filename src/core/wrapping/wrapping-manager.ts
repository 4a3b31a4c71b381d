// src/core/wrapping — response wrapping (Vault's cubbyhole response wrapping). A response is
// stored whole, as the JSON envelope the caller would have received, at
// sys/wrapping/<tokenKey> above the barrier (so encrypted at rest), and the caller gets only
// a single-use wrapping token: an orphan with the "response-wrapping" policy, ttl = wrap
// TTL, not renewable. Contract:
//   wrap     mints the token, stores the payload, returns Vault's wrap_info.
//   unwrap   claims the payload in one transaction (read + delete), then revokes the token:
//            of two concurrent unwraps exactly one wins; the other gets the 400 below.
//   lookup   creation_path / creation_time / creation_ttl, without consuming the token.
//   rewrap   moves the payload to a fresh token (same TTL and creation path), old one revoked.
// The raw token is never stored: the payload key is the token store's HMAC of it.
import type { Clock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import type { Storage } from '../../storage/storage.js';
import type { WrapInfo } from '../core-response.js';
import { storedJson } from '../leases/stored-json.js';
import type { TokenStore } from '../tokens/token-store.js';
import type { TokenEntry } from '../tokens/token-entry.js';
import { RESPONSE_WRAPPING_POLICY } from './response-wrapping-policy.js';

export const WRAPPING_PREFIX = 'sys/wrapping/';
/** Vault's message for an unknown, expired, used or revoked wrapping token (always 400). */
export const INVALID_WRAPPING_TOKEN = 'wrapping token is not valid or does not exist';
/** The longest wrap TTL (seconds): the token store's default max TTL. */
export const MAX_WRAP_TTL = 768 * 3600;

/** A wrapped response: Vault's JSON envelope as the caller would have received it. */
export type WrappedPayload = Record<string, unknown>;

export interface WrapOptions {
  /** Seconds; clamped to [1, maxTtl]. */
  readonly ttl: number;
  /** The path whose response is wrapped ("sys/wrapping/wrap", "auth/token/create"). */
  readonly creationPath: string;
  /** The accessor of a token inside the payload (wrapped token creation or login). */
  readonly wrappedAccessor?: string;
}

export interface WrappingLookup {
  readonly creation_path: string;
  /** RFC 3339. */
  readonly creation_time: string;
  /** Seconds. */
  readonly creation_ttl: number;
}

export interface WrappingManagerOptions {
  /** The root view above the barrier (keys are full, e.g. sys/wrapping/<tokenKey>). */
  readonly storage: Storage;
  readonly tokens: TokenStore;
  readonly clock: Clock;
  readonly maxTtl?: number;
}

/** What is stored per wrapping token. */
interface WrappedRecord {
  readonly payload: WrappedPayload;
  readonly creationPath: string;
  /** Epoch ms. */
  readonly creationTime: number;
  /** Seconds. */
  readonly ttl: number;
  readonly wrappedAccessor: string;
}

const invalidToken = (): ArcaError => new ArcaError('invalid_request', INVALID_WRAPPING_TOKEN);

export class WrappingManager {
  private readonly storage: Storage;
  private readonly tokens: TokenStore;
  private readonly clock: Clock;
  private readonly maxTtl: number;
  /**
   * wrap_info a handler already produced for its own request (rewrap), picked up by
   * wrapCoreResponse. Keyed by the request object: request-scoped, nothing survives it.
   */
  private readonly attached = new WeakMap<object, WrapInfo>();

  constructor(options: WrappingManagerOptions) {
    this.storage = options.storage;
    this.tokens = options.tokens;
    this.clock = options.clock;
    this.maxTtl = options.maxTtl ?? MAX_WRAP_TTL;
  }

  /** Clamps a requested wrap TTL (seconds) to [1, maxTtl]. */
  clampTtl(seconds: number): number {
    if (!Number.isFinite(seconds)) return this.maxTtl;
    return Math.min(Math.max(Math.floor(seconds), 1), this.maxTtl);
  }

  async wrap(payload: WrappedPayload, options: WrapOptions): Promise<WrapInfo> {
    const ttl = this.clampTtl(options.ttl);
    const created = await this.tokens.create(
      {
        policies: [RESPONSE_WRAPPING_POLICY], noDefaultPolicy: true, ttl, explicitMaxTtl: ttl, numUses: 1,
        renewable: false, path: options.creationPath, displayName: 'response-wrapping',
      },
      undefined,
    );
    const record: WrappedRecord = {
      payload, creationPath: options.creationPath, creationTime: created.entry.creationTime, ttl: created.entry.ttl,
      wrappedAccessor: options.wrappedAccessor ?? '',
    };
    try {
      await this.storage.put(WRAPPING_PREFIX + created.entry.id, storedJson.encode(record));
    } catch (err) {
      await this.tokens.revokeByKey(created.entry.id).catch(() => undefined);
      throw err;
    }
    return wrapInfo(created.token, created.entry, record);
  }

  /** The wrapped response; the token is spent whether or not the caller reads the result. */
  async unwrap(token: string): Promise<WrappedPayload> {
    const key = await this.liveKey(token);
    const record = await this.storage.transaction(async (tx) => {
      const bytes = await tx.get(WRAPPING_PREFIX + key);
      if (!bytes) return undefined;
      await tx.delete(WRAPPING_PREFIX + key);
      return storedJson.decode<WrappedRecord>(bytes);
    });
    if (!record) throw invalidToken();
    await this.tokens.revokeByKey(key);
    return record.payload;
  }

  async lookup(token: string): Promise<WrappingLookup> {
    const key = await this.liveKey(token);
    const bytes = await this.storage.get(WRAPPING_PREFIX + key);
    if (!bytes) throw invalidToken();
    const record = storedJson.decode<WrappedRecord>(bytes);
    return { creation_path: record.creationPath, creation_time: rfc3339(record.creationTime), creation_ttl: record.ttl };
  }

  /** Moves the payload under a new token with the same TTL and creation path. */
  async rewrap(token: string): Promise<WrapInfo> {
    const oldKey = await this.liveKey(token);
    const current = await this.storage.get(WRAPPING_PREFIX + oldKey);
    if (!current) throw invalidToken();
    const { creationPath, ttl, wrappedAccessor } = storedJson.decode<WrappedRecord>(current);
    const created = await this.tokens.create(
      {
        policies: [RESPONSE_WRAPPING_POLICY], noDefaultPolicy: true, ttl, explicitMaxTtl: ttl, numUses: 1,
        renewable: false, path: creationPath, displayName: 'response-wrapping',
      },
      undefined,
    );
    const newKey = created.entry.id;
    // The claim of the old payload and the write of the new one commit together.
    const moved = await this.storage
      .transaction(async (tx) => {
        const bytes = await tx.get(WRAPPING_PREFIX + oldKey);
        if (!bytes) return undefined;
        const old = storedJson.decode<WrappedRecord>(bytes);
        const record: WrappedRecord = { ...old, creationTime: created.entry.creationTime, ttl: created.entry.ttl };
        await tx.delete(WRAPPING_PREFIX + oldKey);
        await tx.put(WRAPPING_PREFIX + newKey, storedJson.encode(record));
        return record;
      })
      .catch(async (err: unknown) => {
        await this.tokens.revokeByKey(newKey).catch(() => undefined);
        throw err;
      });
    if (!moved) {
      await this.tokens.revokeByKey(newKey);
      throw invalidToken();
    }
    await this.tokens.revokeByKey(oldKey);
    return wrapInfo(created.token, created.entry, { ...moved, wrappedAccessor });
  }

  /** Drops the payload of a revoked or expired wrapping token (the token store's onRevoked). */
  async onTokenRevoked(tokenKey: string): Promise<void> {
    if (/^[0-9a-f]{64}$/.test(tokenKey)) await this.storage.delete(WRAPPING_PREFIX + tokenKey);
  }

  /** Removes payloads whose token is gone (a crash between revocation steps). Returns the count. */
  async tidy(batchSize = 100): Promise<number> {
    let removed = 0;
    let after: string | undefined;
    for (;;) {
      const keys = await this.storage.scan(WRAPPING_PREFIX, { limit: batchSize, ...(after === undefined ? {} : { after }) });
      if (keys.length === 0) return removed;
      for (const key of keys) {
        const tokenKey = key.slice(WRAPPING_PREFIX.length);
        if (!(await this.tokens.lookupByKey(tokenKey))) {
          await this.storage.delete(key);
          removed += 1;
        }
      }
      after = keys[keys.length - 1];
    }
  }

  /** Lets a handler hand back the wrap_info it produced itself (rewrap); see wrapCoreResponse. */
  attach(req: object, info: WrapInfo): void {
    this.attached.set(req, info);
  }

  /** The wrap_info attached to this request, once. */
  takeAttached(req: object): WrapInfo | undefined {
    const info = this.attached.get(req);
    this.attached.delete(req);
    return info;
  }

  /** The storage key of a live wrapping token, or the invalid-token error. */
  private async liveKey(token: string): Promise<string> {
    const key = token === '' ? undefined : await this.tokens.keyOf(token);
    const entry = key === undefined ? undefined : await this.tokens.lookupByKey(key);
    if (!entry || !entry.policies.includes(RESPONSE_WRAPPING_POLICY) || key === undefined) throw invalidToken();
    return key;
  }
}

function wrapInfo(token: string, entry: TokenEntry, record: WrappedRecord): WrapInfo {
  return {
    token, accessor: entry.accessor, ttl: record.ttl, creation_time: rfc3339(record.creationTime),
    creation_path: record.creationPath, wrapped_accessor: record.wrappedAccessor,
  };
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
