// src/audit — Vault's `file` audit device: one JSON line per record, appended to `file_path`
// (or written to stdout; `discard` writes nothing). Options as in Vault: file_path, mode
// (octal, default 0600; 0000 leaves the mode alone), hmac_accessor, log_raw, prefix, format.
// Each batch is one append write plus one fdatasync (see BatchedAuditDevice). Unlike Vault,
// a missing directory is not created: enabling a device on a mistyped path fails loudly.
// On open the chain continues from the file's last line; a new or rotated-away (empty) file
// continues the chain this process was already writing, so rotated files link together.
// A file target is run by the audit worker thread when it is available (open, lines, write,
// fdatasync: one message per batch each way; see audit-line-worker.ts); otherwise, and for
// stdout, here on the event loop. Either way the same code opens and appends
// (open-audit-file.ts) and the device's chain head is the one the worker answers.
import type { FileHandle } from 'node:fs/promises';
import { ArcaError } from '../lib/errors.js';
import type { ChainHead } from './audit-chain.js';
import type { AuditDeviceOptions } from './audit-device.js';
import type { BatchEntry } from './audit-line-maker.js';
import { AuditWorkerClient } from './audit-worker-client.js';
import { BatchedAuditDevice } from './batched-audit-device.js';
import type { LineWorkerReply } from './line-worker-protocol.js';
import { appendDurably, openAuditFile } from './open-audit-file.js';
import { WorkerFileOutput } from './worker-file-output.js';
import { nextAuditDeviceId } from './worker-line-maker.js';

type Target = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'stdout' | 'discard' };

export class FileAuditDevice extends BatchedAuditDevice {
  private readonly target: Target;
  private readonly mode: number;
  private readonly prefix: string;
  private handle: FileHandle | undefined;
  /** Set while the audit worker runs this device's file. */
  private output: WorkerFileOutput | undefined;
  private readonly workerDevice = nextAuditDeviceId();
  private readonly useWorker: boolean;

  /**
   * Validates options only; nothing is opened until `open()` (or the first write).
   * `inThread` keeps the file (and line making) on the event loop (see audit-worker-policy.ts).
   */
  constructor(options: AuditDeviceOptions, hmacKey: Uint8Array, inThread = false) {
    super('file', options, hmacKey, ['file_path', 'path', 'mode'], inThread);
    this.useWorker = !inThread;
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

  /** The file written, or undefined for stdout / discard (which have no tail to read). */
  get filePath(): string | undefined {
    return this.target.kind === 'file' ? this.target.path : undefined;
  }

  protected override async openOutput(): Promise<ChainHead | undefined> {
    if (this.target.kind !== 'file') return undefined;
    const worker = this.useWorker ? AuditWorkerClient.get() : undefined;
    if (worker !== undefined) {
      const file = { path: this.target.path, mode: this.mode };
      let reply: LineWorkerReply | undefined;
      try {
        reply = await worker.request({ kind: 'open', device: this.workerDevice, settings: this.lineSettings, file, head: this.head() });
      } catch {
        reply = undefined; // the worker is gone: open here instead
      }
      if (reply !== undefined) {
        if (reply.kind !== 'opened') throw workerError(reply.kind === 'error' ? reply.error : reply.kind);
        this.output = new WorkerFileOutput(
          worker,
          this.workerDevice,
          (appended) => {
            this.noteHead(appended.head);
            this.io.records += appended.records;
            if (appended.synced) {
              this.io.writes += 1;
              this.io.syncs += 1;
            }
          },
          {
            notPrepared: () => new ArcaError('internal', 'audit: the entry could not be prepared'),
            notWritten: (code) => new ArcaError('internal', 'audit file device could not write', { cause: workerError(code) }),
          },
          () => {
            this.output = undefined;
            this.outputLost();
          },
        );
        return reply.head;
      }
    }
    const opened = await openAuditFile(this.target.path, this.mode, this.prefix);
    this.handle = opened.handle;
    return opened.head;
  }

  protected override offloaded(): WorkerFileOutput | undefined {
    return this.output;
  }

  protected override async appendBatch(head: ChainHead, batch: readonly BatchEntry[]): Promise<{ head: ChainHead; failed: readonly number[] }> {
    const output = this.output;
    if (output === undefined) return super.appendBatch(head, batch);
    // Counted in `io` by the output's callback.
    return output.appendNow(batch);
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
        await appendDurably(handle, bytes);
        this.io.writes += 1;
        this.io.syncs += 1;
      }
    }
  }

  protected override async closeOutput(): Promise<void> {
    const output = this.output;
    this.output = undefined;
    // Queued records go out before the close, which the worker answers after them.
    await output?.close();
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}

/** A worker's failure as an error the device reports (code only, as the worker sends). */
function workerError(code: string): Error {
  const err = new Error(`audit worker: ${code}`) as NodeJS.ErrnoException;
  err.code = code;
  return err;
}

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
