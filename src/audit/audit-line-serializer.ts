// src/audit — one device's writer of audit lines: an AuditEntry in, the JSON text of the
// record as the device writes it (every secret-bearing string HMAC'd, see
// hash-audit-entry.ts) out, minus the closing brace that AuditChain adds with the chain
// fields. Equivalent to JSON.stringify(hashAuditEntry(entry)) without its last character;
// hash-audit-entry.ts stays the reference the tests hold it to.
//
// Why not just that: the request and the response record of one request carry the same
// `auth` and `request` blocks (the core passes the same objects to both, see
// core/audit-records.ts), and hashing and serialising them was a third of the audit cost.
// Each block's text is remembered by object identity (a WeakMap, so it lives exactly as
// long as the request's record objects) and reused for the response record. Contract for
// callers: a block object is not mutated after it was first logged.
import type { AuditEntry } from './audit-entry.js';
import type { AuditHasher } from './audit-hasher.js';
import { elideListResponse, entryHashers, hashAuth, hashRequest, hashResponse } from './hash-audit-entry.js';
import type { AuditHashOptions, EntryHashers } from './hash-audit-entry.js';

/**
 * Numbers naming an entry's blocks when the entry crossed a thread (a structured clone makes
 * new objects, so identity no longer says "same block"): the main thread numbers each block
 * object once, and a serializer in a worker remembers blocks by number instead.
 */
export interface BlockIds {
  readonly auth?: number;
  readonly request?: number;
  /**
   * Blocks left out of this copy of the entry because an earlier entry of the same batch
   * carried them: their text must already be remembered by number, or the entry fails.
   */
  readonly omitted?: { readonly auth?: boolean; readonly request?: boolean };
}

/** Blocks remembered by number (the cross-thread case); older ones are dropped first. */
const MAX_NUMBERED_BLOCKS = 8192;

export class AuditLineSerializer {
  private readonly blocks = new WeakMap<object, string>();
  private readonly numbered = new Map<number, string>();
  private readonly hashers: EntryHashers;

  constructor(
    hasher: AuditHasher,
    private readonly options: AuditHashOptions,
  ) {
    this.hashers = entryHashers(hasher, options);
  }

  /** The record's JSON object text without its final `}`; `ids` see BlockIds. */
  body(entry: AuditEntry, ids?: BlockIds): string {
    const e = this.options.elideListResponses === true ? elideListResponse(entry) : entry;
    const hs = oneRecordHashers(this.hashers);
    let out = `{"type":${JSON.stringify(e.type)},"time":${JSON.stringify(e.time)}`;
    const auth = e.auth;
    const omitted = ids?.omitted;
    if (auth !== undefined) out += `,"auth":${this.block(auth, ids?.auth, omitted?.auth === true, () => hashAuth(auth, hs))}`;
    // The request block's text is made with the entry's nonHmac, which is the same in a
    // request's two records (both come from one AuditBlocks), so reusing it stays right.
    out += `,"request":${this.block(e.request, ids?.request, omitted?.request === true, () => hashRequest(e.request, hs, e.nonHmac))}`;
    if (e.response !== undefined) out += `,"response":${JSON.stringify(hashResponse(e.response, hs, e.nonHmac))}`;
    if (e.error !== undefined) out += `,"error":${JSON.stringify(e.error)}`;
    return out;
  }

  private block(source: object, id: number | undefined, omitted: boolean, hashed: () => object): string {
    if (id !== undefined) {
      const known = this.numbered.get(id);
      if (known !== undefined) return known;
      // Its carrier failed (or was never seen): never serialise the stand-in.
      if (omitted) throw new Error('audit block missing');
      const text = JSON.stringify(hashed());
      if (this.numbered.size >= MAX_NUMBERED_BLOCKS) {
        const oldest = this.numbered.keys().next();
        if (oldest.done !== true) this.numbered.delete(oldest.value);
      }
      this.numbered.set(id, text);
      return text;
    }
    const known = this.blocks.get(source);
    if (known !== undefined) return known;
    const text = JSON.stringify(hashed());
    this.blocks.set(source, text);
    return text;
  }
}

/**
 * The caller's token and accessor each appear twice in a record (the auth and request
 * blocks): within one record each identifier is hashed once. The raw values are held only
 * while this record is serialised.
 */
function oneRecordHashers(hs: EntryHashers): EntryHashers {
  const seen = new Map<string, string>();
  const id = (value: string): string => {
    let out = seen.get(value);
    if (out === undefined) {
      out = hs.id(value);
      seen.set(value, out);
    }
    return out;
  };
  return { h: hs.h, id, acc: hs.acc === hs.id ? id : hs.acc };
}
