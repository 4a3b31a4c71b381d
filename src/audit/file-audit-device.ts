// src/audit — Vault's `file` audit device: one JSON line per record, appended to `file_path`
// (or written to stdout; `discard` writes nothing). Options as in Vault: file_path, mode
// (octal, default 0600; 0000 leaves the mode alone), hmac_accessor, log_raw, prefix, format.
// Each batch is one append write plus one fdatasync (see BatchedAuditDevice). Unlike Vault,
// a missing directory is not created: enabling a device on a mistyped path fails loudly.
// On open the chain continues from the file's last line; a new or rotated-away (empty) file
// continues the chain this process was already writing, so rotated files link together.
import { open, type FileHandle } from 'node:fs/promises';
import { ArcaError } from '../lib/errors.js';
import type { ChainHead } from './audit-chain.js';
import type { AuditDeviceOptions } from './audit-device.js';
import { BatchedAuditDevice } from './batched-audit-device.js';
import { readChainTail } from './read-chain-tail.js';

type Target = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'stdout' | 'discard' };

export class FileAuditDevice extends BatchedAuditDevice {
  private readonly target: Target;
  private readonly mode: number;
  private readonly prefix: string;
  private handle: FileHandle | undefined;

  /** Validates options only; nothing is opened until `open()` (or the first write). */
  constructor(options: AuditDeviceOptions, hmacKey: Uint8Array) {
    super('file', options, hmacKey, ['file_path', 'path', 'mode']);
    const filePath = options['file_path'] ?? options['path'];
    if (filePath === undefined || filePath === '') {
      throw new ArcaError('invalid_request', 'audit file device: option "file_path" is required');
    }
    if (filePath.length > 4096 || filePath.includes('\0')) {
      throw new ArcaError('invalid_request', 'audit file device: "file_path" is not a valid path');
    }
    this.target = filePath === 'stdout' || filePath === 'discard' ? { kind: filePath } : { kind: 'file', path: filePath };
    this.mode = parseMode(options['mode'] ?? '0600');
    this.prefix = options['prefix'] ?? '';
  }

  protected override async openOutput(): Promise<ChainHead | undefined> {
    if (this.target.kind !== 'file') return undefined;
    const handle = await open(this.target.path, 'a+', this.mode === 0 ? 0o600 : this.mode);
    try {
      if (this.mode !== 0) await handle.chmod(this.mode);
      const tail = await readChainTail(handle, this.prefix);
      if (tail.torn) await writeAll(handle, Buffer.from('\n'));
      this.handle = handle;
      return tail.head;
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  protected override async writeBatch(bytes: Buffer): Promise<void> {
    switch (this.target.kind) {
      case 'discard':
        return;
      case 'stdout':
        await writeStdout(bytes);
        this.io.writes += 1;
        return;
      case 'file': {
        const handle = this.handle;
        if (handle === undefined) throw new ArcaError('internal', 'audit file device is not open');
        await writeAll(handle, bytes);
        this.io.writes += 1;
        await handle.datasync();
        this.io.syncs += 1;
      }
    }
  }

  protected override async closeOutput(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}

/** Through the stream, which copes with a non-blocking pipe on fd 1. */
function writeStdout(bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}

function parseMode(raw: string): number {
  if (!/^[0-7]{3,4}$/.test(raw)) {
    throw new ArcaError('invalid_request', 'audit file device: option "mode" must be an octal file mode such as 0600');
  }
  return parseInt(raw, 8);
}
