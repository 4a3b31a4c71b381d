// src/audit — opening and appending to an audit file, shared by the file device on the
// event loop and by the audit worker (which does the same for it off the loop). Opening
// finds where the file's chain ends (read-chain-tail.ts) and terminates a torn last line;
// an append is whole lines with one write and one fdatasync, durable when it resolves.
import { open, type FileHandle } from 'node:fs/promises';
import type { ChainHead } from './audit-chain.js';
import { readChainTail } from './read-chain-tail.js';

export interface OpenedAuditFile {
  readonly handle: FileHandle;
  /** Where the file's chain ends; undefined for an empty file. */
  readonly head: ChainHead | undefined;
}

/** `mode` 0 leaves an existing file's mode alone (a new one gets 0600). */
export async function openAuditFile(path: string, mode: number, prefix: string): Promise<OpenedAuditFile> {
  const handle = await open(path, 'a+', mode === 0 ? 0o600 : mode);
  try {
    if (mode !== 0) await handle.chmod(mode);
    const tail = await readChainTail(handle, prefix);
    if (tail.torn) await writeAll(handle, Buffer.from('\n'));
    return { handle, head: tail.head };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}

export async function appendDurably(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  await writeAll(handle, bytes);
  await handle.datasync();
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}
