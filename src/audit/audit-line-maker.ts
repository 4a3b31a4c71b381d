// src/audit — turns a batch of raw entries into the bytes a device appends: each entry
// serialised (AuditLineSerializer: HMAC'd, JSON) and chained (AuditChain: seq, prev_hash),
// one line each, newline-terminated. The chain head goes in and comes out, so the caller
// (BatchedAuditDevice, one batch at a time) stays the only owner of where its chain stands.
// An entry that cannot be serialised is left out of the chain and reported by index, so one
// bad record fails alone.
//
// LocalLineMaker does this on the calling thread; worker-line-maker.ts moves the same work
// to a worker thread (it is most of an audited request's CPU), and falls back to this.
import { AuditChain } from './audit-chain.js';
import type { ChainHead } from './audit-chain.js';
import type { AuditEntry } from './audit-entry.js';
import { AuditHasher } from './audit-hasher.js';
import { AuditLineSerializer } from './audit-line-serializer.js';
import type { BlockIds } from './audit-line-serializer.js';
import type { AuditHashOptions } from './hash-audit-entry.js';

export interface MadeLines {
  /** The batch's lines, each ending in '\n' (empty when every entry failed). */
  readonly bytes: Buffer;
  /** The chain head after the last line. */
  readonly head: ChainHead;
  /** Indexes of the entries that could not be serialised (not in `bytes`). */
  readonly failed: readonly number[];
}

/** An entry and, when it came across a thread, the numbers of its blocks. */
export interface BatchEntry {
  readonly entry: AuditEntry;
  readonly ids?: BlockIds;
}

/** What a device needs to make its lines: its key, hashing options and line prefix. */
export interface LineSettings {
  readonly hmacKey: Uint8Array;
  readonly hash: AuditHashOptions;
  readonly prefix: string;
}

export interface AuditLineMaker {
  make(head: ChainHead, batch: readonly BatchEntry[]): Promise<MadeLines>;
}

export class LocalLineMaker implements AuditLineMaker {
  private readonly serializer: AuditLineSerializer;
  private readonly prefix: string;

  /** `maxNumbered`: see AuditLineSerializer (smaller only in tests). */
  constructor(settings: LineSettings, maxNumbered?: number) {
    this.serializer = new AuditLineSerializer(new AuditHasher(settings.hmacKey), settings.hash, maxNumbered);
    this.prefix = settings.prefix;
  }

  make(head: ChainHead, batch: readonly BatchEntry[]): Promise<MadeLines> {
    return Promise.resolve(this.makeNow(head, batch));
  }

  makeNow(head: ChainHead, batch: readonly BatchEntry[]): MadeLines {
    const chain = new AuditChain(head, this.prefix);
    const lines: string[] = [];
    const failed: number[] = [];
    batch.forEach(({ entry, ids }, index) => {
      let body: string;
      try {
        body = this.serializer.body(entry, ids);
      } catch {
        failed.push(index);
        return;
      }
      lines.push(chain.appendBody(body));
    });
    const bytes = lines.length === 0 ? Buffer.alloc(0) : Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    return { bytes, head: chain.head(), failed };
  }
}
