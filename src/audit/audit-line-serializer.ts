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
import type { AuditAuth, AuditEntry, AuditNonHmac, AuditResponse } from './audit-entry.js';
import { isShared } from '../lib/shared-value.js';
import type { AuditHasher } from './audit-hasher.js';
import { authWithToken, elideListResponse, entryHashers, hashAuth, hashRequest, hashResponse, hashResponseData } from './hash-audit-entry.js';
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
   * The response's `data`, when it is a shared value (lib/shared-value.ts): the main thread
   * numbers it once per value and non-HMAC response keys, so a number always names one text.
   */
  readonly data?: number;
  /**
   * Blocks left out of this copy of the entry because an earlier entry of the same batch
   * carried them: their text must already be remembered by number, or the entry fails.
   */
  readonly omitted?: { readonly auth?: boolean; readonly request?: boolean; readonly data?: boolean };
}

/**
 * Blocks remembered by number (the cross-thread case): those among the last this many
 * received in full (a block received again counts from then). The main thread relies on
 * this bound (worker-known-blocks.ts).
 */
export const MAX_NUMBERED_BLOCKS = 8192;

/** Response keys whose values hashResponse changes (every other key is copied as it is). */
const HASHED_RESPONSE_KEYS: ReadonlySet<string> = new Set(['secret', 'auth', 'wrap_info', 'warnings', 'headers']);

export class AuditLineSerializer {
  private readonly blocks = new WeakMap<object, string>();
  /** Shared response data (on this thread): its text and the response keys it was made for. */
  private readonly dataTexts = new WeakMap<object, { readonly keys: string; readonly text: string }>();
  /** Numbered blocks' texts, with when each last arrived in full (see received()). */
  private readonly numbered = new Map<number, { readonly text: string; readonly arrival: number }>();
  /** The last maxNumbered arrivals, as [block, arrival] pairs in a ring. */
  private readonly arrivalRing: Float64Array;
  private arrivals = 0;
  private readonly hashers: EntryHashers;
  /** Per shared auth block: its caller's token and accessor as HMAC'd (see callerIdentifiers). */
  private readonly authIdentifiers = new WeakMap<object, { readonly token: string; readonly accessor: string }>();

  constructor(
    hasher: AuditHasher,
    private readonly options: AuditHashOptions,
    /** How many numbered blocks are remembered (smaller only in tests). */
    private readonly maxNumbered = MAX_NUMBERED_BLOCKS,
  ) {
    this.hashers = entryHashers(hasher, options);
    this.arrivalRing = new Float64Array(maxNumbered * 2);
  }

  /**
   * The caller's token and accessor, raw → HMAC'd, for an entry with a shared auth block and
   * its token: remembered per block (a block belongs to one token, see AuditEntry.authToken),
   * so the request block of every later request of that token hashes neither. Only the
   * HMACs are kept beyond the record (never with log_raw, where they would be the raw values).
   */
  private callerIdentifiers(e: AuditEntry): Map<string, string> | undefined {
    const auth = e.auth;
    const token = e.authToken;
    if (auth === undefined || token === undefined || token === '' || this.options.logRaw === true) return undefined;
    let hashed = this.authIdentifiers.get(auth);
    if (hashed === undefined) {
      hashed = { token: this.hashers.id(token), accessor: auth.accessor === '' ? '' : this.hashers.acc(auth.accessor) };
      this.authIdentifiers.set(auth, hashed);
    }
    const known = new Map([[token, hashed.token]]);
    // With hmac_accessor off the accessor is written as it is: nothing to seed.
    if (auth.accessor !== '' && this.hashers.acc === this.hashers.id) known.set(auth.accessor, hashed.accessor);
    return known;
  }

  /** The record's JSON object text without its final `}`; `ids` see BlockIds. */
  body(entry: AuditEntry, ids?: BlockIds): string {
    const e = this.options.elideListResponses === true ? elideListResponse(entry) : entry;
    const hs = oneRecordHashers(this.hashers, this.callerIdentifiers(e));
    let out = `{"type":${JSON.stringify(e.type)},"time":${JSON.stringify(e.time)}`;
    const auth = e.auth;
    const omitted = ids?.omitted;
    // An omitted auth block is absent from the entry; its number says the record has one.
    if (auth !== undefined || omitted?.auth === true) {
      const hashed = (): AuditAuth => {
        if (auth === undefined) throw new Error('audit block missing');
        return hashAuth(authWithToken(auth, e.authToken), hs);
      };
      out += `,"auth":${this.block(auth, ids?.auth, omitted?.auth === true, hashed)}`;
    }
    // The request block's text is made with the entry's nonHmac, which is the same in a
    // request's two records (both come from one AuditBlocks), so reusing it stays right.
    out += `,"request":${this.block(e.request, ids?.request, omitted?.request === true, () => hashRequest(e.request, hs, e.nonHmac))}`;
    if (e.response !== undefined) out += `,"response":${this.response(e, e.response, ids, hs)}`;
    if (e.error !== undefined) out += `,"error":${JSON.stringify(e.error)}`;
    return out;
  }

  /**
   * The response block. Its `data`, when shared or numbered, is serialised once and its text
   * spliced in at its place: the block is written key by key in the entry's order, exactly as
   * JSON.stringify(hashResponse(...)) would write it.
   */
  private response(e: AuditEntry, res: AuditResponse, ids: BlockIds | undefined, hs: EntryHashers): string {
    const id = ids?.data;
    if (id === undefined && !isShared(res.data)) return JSON.stringify(hashResponse(res, hs, e.nonHmac));
    const hashedData = (): unknown => hashResponseData(res.data, hs, e.nonHmac);
    const dataText = id === undefined ? this.sharedData(res.data as object, e.nonHmac, hashedData) : this.numberedText(id, ids?.omitted?.data === true, hashedData);
    // Only these keys hold strings to hash; a response without them (a plain read: status,
    // mount_type, data) is written as it is, without building a hashed copy first.
    let rest: Readonly<Record<string, unknown>> | undefined;
    let out = '';
    for (const key of Object.keys(res)) {
      let value: string | undefined;
      if (key === 'data') value = dataText;
      else {
        if (HASHED_RESPONSE_KEYS.has(key)) rest ??= hashResponse(res, hs, e.nonHmac, false) as Readonly<Record<string, unknown>>;
        value = JSON.stringify(rest === undefined ? (res as Readonly<Record<string, unknown>>)[key] : rest[key]) as string | undefined;
      }
      if (value !== undefined) out += `${out === '' ? '{' : ','}${JSON.stringify(key)}:${value}`;
    }
    return out === '' ? '{}' : `${out}}`;
  }

  /** A shared data value's text on this thread, by identity, for the response keys left clear. */
  private sharedData(source: object, nonHmac: AuditNonHmac | undefined, hashed: () => unknown): string {
    const keys = responseKeysSignature(nonHmac);
    const known = this.dataTexts.get(source);
    if (known !== undefined && known.keys === keys) return known.text;
    const text = JSON.stringify(hashed());
    this.dataTexts.set(source, { keys, text });
    return text;
  }

  /** A numbered block's text: remembered, or made from `hashed` (never for an omitted block). */
  private numberedText(id: number, omitted: boolean, hashed: () => unknown): string {
    const known = this.numbered.get(id);
    if (known !== undefined) {
      // Received in full again: the sender counts it as fresh, and so does this.
      if (!omitted) this.received(id, known.text);
      return known.text;
    }
    // Its carrier failed (or was never seen): never serialise the stand-in.
    if (omitted) throw new Error('audit block missing');
    const text = JSON.stringify(hashed());
    this.received(id, text);
    return text;
  }

  /**
   * Block `id` arrived in full: it is remembered until `maxNumbered` more blocks have
   * arrived in full. A ring of arrivals finds what falls out (a Map's oldest entry would do,
   * but finding it walks past every deleted slot at the front of the Map: microseconds).
   */
  private received(id: number, text: string): void {
    const slot = (this.arrivals % this.maxNumbered) * 2;
    if (this.arrivals >= this.maxNumbered) {
      const oldId = this.arrivalRing[slot] as number;
      if (this.numbered.get(oldId)?.arrival === this.arrivalRing[slot + 1]) this.numbered.delete(oldId);
    }
    this.arrivalRing[slot] = id;
    this.arrivalRing[slot + 1] = this.arrivals;
    this.numbered.set(id, { text, arrival: this.arrivals });
    this.arrivals += 1;
  }

  private block(source: object | undefined, id: number | undefined, omitted: boolean, hashed: () => object): string {
    if (id !== undefined) return this.numberedText(id, omitted, hashed);
    if (source === undefined) throw new Error('audit block missing');
    const known = this.blocks.get(source);
    if (known !== undefined) return known;
    const text = JSON.stringify(hashed());
    this.blocks.set(source, text);
    return text;
  }
}

/** The non-HMAC response keys as one string: a shared value's text is made for one set. */
export function responseKeysSignature(nonHmac: AuditNonHmac | undefined): string {
  const keys = nonHmac?.responseKeys;
  return keys === undefined ? '' : keys.join('\u0000');
}

/**
 * The caller's token and accessor each appear twice in a record (the auth and request
 * blocks): within one record each identifier is hashed once, and those already in `seen`
 * (raw → hashed, taken over, not copied) not at all. The raw values are held only while this
 * record is serialised.
 */
function oneRecordHashers(hs: EntryHashers, seen = new Map<string, string>()): EntryHashers {
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
