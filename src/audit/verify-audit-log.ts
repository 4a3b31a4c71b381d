// src/audit — checks an audit file's hash chain (see audit-chain.ts) and reports the first
// problem. `arca audit verify FILE` calls it and exits non-zero unless `ok`. It streams, so a
// large log costs constant memory. What it can and cannot see:
// - edited: a line whose bytes no longer match the next line's prev_hash (reported at the
//   edited line); the LAST line is covered by nothing that follows it, so an edit there, or a
//   truncated tail, shows only against a `checkpoint` (a device `head()` kept elsewhere).
// - removed: a gap in `seq`; a file whose first record is not seq 1 is reported as removed
//   at line 1 unless `after` says which rotated file it continues.
// - reordered: a seq that goes backwards, or a forward jump whose missing seq shows up later.
// - malformed: not JSON, wrong prefix, or no valid seq / prev_hash.
import { createReadStream } from 'node:fs';
import { GENESIS_HEAD, hashAuditLine, type ChainHead } from './audit-chain.js';

export type AuditVerifyReason = 'edited' | 'removed' | 'reordered' | 'malformed';

export type AuditVerifyResult =
  | { readonly ok: true; readonly records: number; readonly firstSeq: number; readonly last: ChainHead }
  | { readonly ok: false; readonly line: number; readonly reason: AuditVerifyReason; readonly detail: string };

export interface AuditVerifyOptions {
  /** The device's `prefix` option. Without it, each line's JSON starts at its first `{`. */
  readonly prefix?: string;
  /** The head this file continues from (the previous rotated file's `last`); 'any' trusts line 1. */
  readonly after?: ChainHead | 'any';
  /** A head recorded earlier (device `head()`): its line must be present and unchanged. */
  readonly checkpoint?: ChainHead;
}

type Problem = Extract<AuditVerifyResult, { ok: false }>;
type Parsed = { readonly seq: number; readonly prevHash: string } | undefined;

const HEX64 = /^[0-9a-f]{64}$/;
const NEWLINE = 0x0a;

export async function verifyAuditLog(
  source: { readonly text: string } | { readonly path: string },
  options: AuditVerifyOptions = {},
): Promise<AuditVerifyResult> {
  const verifier = new ChainVerifier(options);
  const lines = 'text' in source ? linesOfText(source.text) : linesOfFile(source.path);
  for await (const line of lines) {
    const problem = verifier.feed(line);
    if (problem !== undefined) return problem;
  }
  return verifier.end();
}

class ChainVerifier {
  private lineNo = 0;
  private records = 0;
  private firstSeq = 0;
  private prev: ChainHead | undefined;
  /** A forward jump waiting to learn whether the missing seq appears later (reordered). */
  private gap: { readonly line: number; readonly missing: number; readonly found: number } | undefined;
  private checkpointSeen = false;

  constructor(private readonly options: AuditVerifyOptions) {
    this.prev = options.after === 'any' ? undefined : (options.after ?? GENESIS_HEAD);
  }

  feed(bytes: Buffer): Problem | undefined {
    this.lineNo += 1;
    const parsed = this.parse(bytes);
    if (this.gap !== undefined) {
      if (parsed?.seq !== this.gap.missing) return undefined;
      return fail(this.gap.line, 'reordered', `seq ${this.gap.found} comes before seq ${this.gap.missing} (line ${this.lineNo})`);
    }
    if (parsed === undefined) return fail(this.lineNo, 'malformed', 'not an audit record with seq and prev_hash');
    const hash = hashAuditLine(bytes);
    const problem = this.link(parsed) ?? this.checkCheckpoint(parsed.seq, hash);
    if (problem !== undefined || this.gap !== undefined) return problem;
    if (this.records === 0) this.firstSeq = parsed.seq;
    this.records += 1;
    this.prev = { seq: parsed.seq, hash };
    return undefined;
  }

  end(): AuditVerifyResult {
    if (this.gap !== undefined) {
      const { line, missing, found } = this.gap;
      const hint = line === 1 && this.options.after === undefined
        ? ' (or this file continues a rotated one: pass its predecessor as `after`)'
        : '';
      return fail(line, 'removed', `records seq ${missing}..${found - 1} are missing${hint}`);
    }
    const cp = this.options.checkpoint;
    if (cp !== undefined && !this.checkpointSeen && cp.seq > 0) {
      return fail(this.lineNo + 1, 'removed', `the file ends at seq ${this.prev?.seq ?? 0} but the checkpoint is seq ${cp.seq}: the tail was truncated`);
    }
    return { ok: true, records: this.records, firstSeq: this.firstSeq, last: this.prev ?? GENESIS_HEAD };
  }

  /** Checks `parsed` against the previous record; a forward jump opens a lookahead gap. */
  private link(parsed: { readonly seq: number; readonly prevHash: string }): Problem | undefined {
    const prev = this.prev;
    if (prev === undefined) return undefined;
    const expected = prev.seq + 1;
    if (parsed.seq > expected) {
      this.gap = { line: this.lineNo, missing: expected, found: parsed.seq };
      return undefined;
    }
    if (parsed.seq < expected) {
      return fail(this.lineNo, 'reordered', `seq ${parsed.seq} follows seq ${prev.seq}`);
    }
    if (parsed.prevHash === prev.hash) return undefined;
    if (this.lineNo === 1) {
      return fail(1, 'edited', `line 1's prev_hash does not match the chain it should continue`);
    }
    return fail(this.lineNo - 1, 'edited', `line ${this.lineNo - 1} no longer matches the prev_hash stored in line ${this.lineNo}`);
  }

  private checkCheckpoint(seq: number, hash: string): Problem | undefined {
    const cp = this.options.checkpoint;
    if (cp === undefined || cp.seq !== seq) return undefined;
    this.checkpointSeen = true;
    return hash === cp.hash ? undefined : fail(this.lineNo, 'edited', `seq ${seq} does not match the checkpoint hash`);
  }

  private parse(bytes: Buffer): Parsed {
    const text = bytes.toString('utf8');
    const prefix = this.options.prefix;
    let json: string;
    if (prefix !== undefined) {
      if (!text.startsWith(prefix)) return undefined;
      json = text.slice(prefix.length);
    } else {
      const brace = text.indexOf('{');
      if (brace < 0) return undefined;
      json = text.slice(brace);
    }
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const { seq, prev_hash: prevHash } = value as { seq?: unknown; prev_hash?: unknown };
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return undefined;
    if (typeof prevHash !== 'string' || !HEX64.test(prevHash)) return undefined;
    return { seq, prevHash };
  }
}

function fail(line: number, reason: AuditVerifyReason, detail: string): Problem {
  return { ok: false, line, reason, detail };
}

/** Lines without their '\n'; a final newline does not start an extra empty line. */
function* linesOfText(text: string): Generator<Buffer> {
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  for (const part of parts) yield Buffer.from(part, 'utf8');
}

/** Splits on raw bytes (not readline) because the chain hashes each line's exact bytes. */
async function* linesOfFile(path: string): AsyncGenerator<Buffer> {
  let rest = Buffer.alloc(0);
  for await (const chunk of createReadStream(path)) {
    let data = Buffer.concat([rest, chunk as Buffer]);
    let nl = data.indexOf(NEWLINE);
    while (nl >= 0) {
      yield data.subarray(0, nl);
      data = data.subarray(nl + 1);
      nl = data.indexOf(NEWLINE);
    }
    rest = data;
  }
  if (rest.length > 0) yield rest;
}
