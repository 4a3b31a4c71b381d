// src/audit — a file device's output while the audit worker runs it (audit-line-worker.ts).
// Records logged in one tick go to the worker as one append, without waiting for earlier
// appends: the worker group-commits whatever has arrived while it writes, so the event loop
// never waits for a write to finish before handing over the next records, and each
// record's promise settles when its own lines are durable (fail closed: an error or a
// worker that dies rejects them). The worker owns the chain head; each answer's head is
// passed to `onAppended` so the device can report it.
import type { ChainHead } from './audit-chain.js';
import type { AuditEntry } from './audit-entry.js';
import type { BatchEntry } from './audit-line-maker.js';
import { AuditRequestNotCloneable, type AuditWorkerClient } from './audit-worker-client.js';
import type { LineWorkerReply } from './line-worker-protocol.js';
import { numberBlocks } from './worker-line-maker.js';
import { WorkerKnownBlocks } from './worker-known-blocks.js';

interface Pending {
  readonly entry: AuditEntry;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/** The outcome of one append as the device counts it. */
export interface Appended {
  readonly head: ChainHead;
  readonly records: number;
  readonly synced: boolean;
}

const MAX_BATCH = 1024;

export class WorkerFileOutput {
  private queue: Pending[] = [];
  /** Blocks the worker-side device remembers: they travel as numbers only. */
  private readonly known = new WorkerKnownBlocks();
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly worker: AuditWorkerClient,
    private readonly device: number,
    private readonly onAppended: (appended: Appended) => void,
    /** Errors a device reports: an entry that cannot be prepared, a failed write. */
    private readonly errors: { notPrepared(): Error; notWritten(code: string): Error },
    /** Called once the worker is gone: the device goes back to writing on the event loop. */
    private readonly onLost: () => void,
  ) {}

  /** Sends what is queued now rather than at the end of the tick. */
  private flushNow(): void {
    while (this.queue.length > 0) void this.send(this.queue.splice(0, MAX_BATCH));
  }

  /** Entries queued or being written. */
  get backlog(): number {
    return this.queue.length + this.inFlight;
  }

  log(entry: AuditEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // Everything logged in this tick travels as one append.
      setImmediate(() => {
        this.scheduled = false;
        this.flushNow();
      });
    });
  }

  /** Sends what is queued, then closes the file; the worker answers after earlier appends. */
  async close(): Promise<void> {
    this.flushNow();
    await this.worker.request({ kind: 'close', device: this.device }).catch(() => undefined);
  }

  /** Appends `batch` now and waits for it (the device's first batch, before log() is used). */
  async appendNow(batch: readonly BatchEntry[]): Promise<{ head: ChainHead; failed: readonly number[] }> {
    const reply = await this.worker.request({ kind: 'append', device: this.device, batch: numberBlocks(batch, this.known) });
    if (reply.kind !== 'appended') throw this.errors.notWritten(reply.kind === 'error' ? reply.error : reply.kind);
    this.onAppended(reply);
    return reply;
  }

  private async send(group: Pending[]): Promise<void> {
    this.inFlight += group.length;
    try {
      let reply: LineWorkerReply;
      try {
        reply = await this.worker.request({ kind: 'append', device: this.device, batch: numberBlocks(group.map((p) => ({ entry: p.entry })), this.known) });
      } catch (err) {
        // Nothing of this batch reached the worker, though its blocks were counted as sent.
        this.known.clear();
        if (err instanceof AuditRequestNotCloneable && group.length > 1) {
          // Find the entries that cannot cross threads: each goes on its own.
          await Promise.all(group.map((p) => this.send([p])));
          return;
        }
        const cloneable = !(err instanceof AuditRequestNotCloneable);
        if (cloneable) this.onLost();
        const failure = cloneable ? this.errors.notWritten('worker') : this.errors.notPrepared();
        for (const p of group) p.reject(failure);
        return;
      }
      if (reply.kind !== 'appended') {
        const failure = this.errors.notWritten(reply.kind === 'error' ? reply.error : reply.kind);
        for (const p of group) p.reject(failure);
        return;
      }
      this.onAppended(reply);
      const failed = new Set(reply.failed);
      group.forEach((p, index) => (failed.has(index) ? p.reject(this.errors.notPrepared()) : p.resolve()));
    } finally {
      this.inFlight -= group.length;
    }
  }
}
