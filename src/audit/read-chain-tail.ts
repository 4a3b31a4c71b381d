// src/audit — finds where an existing audit file's chain ends, reading backwards from the
// end so a multi-gigabyte log costs one line of I/O. A file not ending in a newline was
// torn by a crash mid-write: the caller terminates that fragment so it stands as its own
// (malformed) line, and the chain continues from its bytes — verify reports it honestly.
import type { FileHandle } from 'node:fs/promises';
import { hashAuditLine, type ChainHead } from './audit-chain.js';

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

export interface ChainTail {
  /** undefined for an empty file. */
  readonly head: ChainHead | undefined;
  /** The file's last byte is not a newline. */
  readonly torn: boolean;
}

export async function readChainTail(handle: FileHandle, prefix: string): Promise<ChainTail> {
  const { size } = await handle.stat();
  if (size === 0) return { head: undefined, torn: false };
  const last = await readBytes(handle, size - 1, 1);
  const torn = last[0] !== NEWLINE;
  const end = torn ? size : size - 1;
  const line = await readLineEndingAt(handle, end);
  return { head: { seq: seqOf(line, prefix), hash: hashAuditLine(line) }, torn };
}

/** The bytes between the last newline before `end` and `end`. */
async function readLineEndingAt(handle: FileHandle, end: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let pos = end;
  while (pos > 0) {
    const start = Math.max(0, pos - CHUNK);
    const chunk = await readBytes(handle, start, pos - start);
    const nl = chunk.lastIndexOf(NEWLINE);
    if (nl >= 0) {
      chunks.unshift(chunk.subarray(nl + 1));
      break;
    }
    chunks.unshift(chunk);
    pos = start;
  }
  return Buffer.concat(chunks);
}

async function readBytes(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}

/** The line's `seq`, or 0 when it is not one of ours (the next record then restarts at 1). */
function seqOf(line: Buffer, prefix: string): number {
  const text = line.toString('utf8');
  if (!text.startsWith(prefix)) return 0;
  try {
    const parsed: unknown = JSON.parse(text.slice(prefix.length));
    if (typeof parsed === 'object' && parsed !== null && 'seq' in parsed) {
      const seq: unknown = parsed.seq;
      if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0) return seq;
    }
  } catch {
    // Not JSON: a torn or foreign line.
  }
  return 0;
}
