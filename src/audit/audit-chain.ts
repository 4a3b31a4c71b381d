// src/audit — the hash chain that makes an edited, removed or reordered audit line show.
// Each line is `<prefix><json>` where the JSON object ends with `"seq":n,"prev_hash":"<hex>"`:
// `seq` counts records from 1 and `prev_hash` is the hex SHA-256 of the previous line's exact
// bytes (without its newline). The first record of a fresh chain has seq 1 and GENESIS_HASH.
// The chain is unkeyed so anyone can verify a log offline; the price is that someone able to
// rewrite the whole tail of a file can also recompute it — compare `head()` against a copy
// kept elsewhere to close that gap (docs/design/audit.md).
import { hash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** Where a chain stands: the last record's seq and the hash of its line (seq 0 = empty). */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export const GENESIS_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };

export function hashAuditLine(line: string | Uint8Array): string {
  return hash('sha256', line, 'hex');
}

/** Appends records to a chain, producing the exact lines to write (without newlines). */
export class AuditChain {
  private current: ChainHead;

  constructor(head: ChainHead = GENESIS_HEAD, private readonly prefix = '') {
    this.current = head;
  }

  head(): ChainHead {
    return this.current;
  }

  /** Serialises `record` as the next line and advances the head past it. */
  append(record: object): string {
    return this.appendBody(JSON.stringify(record).slice(0, -1));
  }

  /**
   * The next line from `body`, a JSON object's text without its closing brace (what
   * AuditLineSerializer produces): the chain fields close it. Advances the head.
   */
  appendBody(body: string): string {
    const seq = this.current.seq + 1;
    const line = `${this.prefix}${body}${body === '{' ? '' : ','}"seq":${seq},"prev_hash":"${this.current.hash}"}`;
    this.current = { seq, hash: hashAuditLine(line) };
    return line;
  }

  /** Moves the head (used after reading the tail of an existing file). */
  reset(head: ChainHead): void {
    this.current = head;
  }
}
