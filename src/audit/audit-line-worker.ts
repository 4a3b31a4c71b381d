// src/audit — the audit worker thread (its client is audit-worker-client.ts). Per device it
// keeps a LocalLineMaker (key and options arrive with the device's requests) and, for file
// devices, the open file and where its chain stands. `lines` answers a batch's bytes for
// the caller to write. `open`/`append`/`close` run a file device's whole output here: the
// appends that arrive while a write is in flight are made into lines together and written
// with one write and one fdatasync (group commit), then each is answered with the head after
// its own lines. A failed write closes the file; the next append reopens it and continues
// from its real last line. Errors are answered by code or name only.
import { parentPort } from 'node:worker_threads';
import type { FileHandle } from 'node:fs/promises';
import type { ChainHead } from './audit-chain.js';
import { LocalLineMaker } from './audit-line-maker.js';
import type { BatchEntry, LineSettings } from './audit-line-maker.js';
import type { LineWorkerReply, LineWorkerRequest, WorkerFile } from './line-worker-protocol.js';
import { appendDurably, openAuditFile } from './open-audit-file.js';

interface Append {
  readonly call: number;
  readonly batch: readonly BatchEntry[];
}

interface Device {
  readonly maker: LocalLineMaker;
  readonly prefix: string;
  file?: WorkerFile;
  handle?: FileHandle;
  head: ChainHead;
  appends: Append[];
  /** The running group-commit loop, if any. */
  writing?: Promise<void>;
  /** Set by a failed write (its error code) until the file is reopened. */
  broken?: string;
}

const devices = new Map<number, Device>();

function reply(message: LineWorkerReply, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer);
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.name : 'error';
}

function device(id: number, settings: LineSettings, head: ChainHead): Device {
  let d = devices.get(id);
  if (d === undefined) {
    d = { maker: new LocalLineMaker(settings), prefix: settings.prefix, head, appends: [] };
    devices.set(id, d);
  }
  return d;
}

async function closeFile(d: Device): Promise<void> {
  const handle = d.handle;
  delete d.handle;
  await handle?.close().catch(() => undefined);
}

async function openFile(d: Device, file: WorkerFile): Promise<void> {
  await closeFile(d);
  d.file = file;
  const opened = await openAuditFile(file.path, file.mode, d.prefix);
  d.handle = opened.handle;
  // An empty (new or rotated-away) file continues the chain this device was writing.
  if (opened.head !== undefined) d.head = opened.head;
}

interface Answer {
  readonly call: number;
  readonly head: ChainHead;
  readonly failed: readonly number[];
  readonly records: number;
}

/** A group of appends made into lines, waiting to be written. */
interface Made {
  readonly group: readonly Append[];
  readonly bytes: Buffer;
  readonly head: ChainHead;
  readonly answers: readonly Answer[];
}

function makeGroup(d: Device, group: readonly Append[], from: ChainHead): Made {
  const answers: Answer[] = [];
  const chunks: Uint8Array[] = [];
  let head = from;
  for (const a of group) {
    const made = d.maker.makeNow(head, a.batch);
    chunks.push(made.bytes);
    head = made.head;
    answers.push({ call: a.call, head, failed: made.failed, records: a.batch.length - made.failed.length });
  }
  return { group, bytes: Buffer.concat(chunks), head, answers };
}

function fail(group: readonly Append[], error: string): void {
  for (const a of group) reply({ call: a.call, kind: 'error', error });
}

/** Writes one made group with one write and one fdatasync, then answers its appends. */
async function writeGroup(d: Device, made: Made): Promise<void> {
  // Lines made after a failed write chain from lines that never landed: refused too.
  if (d.broken !== undefined || d.handle === undefined) {
    fail(made.group, d.broken ?? 'EBADF');
    return;
  }
  try {
    if (made.bytes.length > 0) await appendDurably(d.handle, made.bytes);
  } catch (err) {
    d.broken = errorCode(err);
    fail(made.group, d.broken);
    return;
  }
  d.head = made.head;
  // `synced` on one answer per write: the device counts writes and fsyncs from it.
  made.answers.forEach((a, i) => reply({ kind: 'appended', ...a, synced: i === made.answers.length - 1 && made.bytes.length > 0 }));
}

/**
 * Group commit, pipelined: the appends that arrived while group N was being written are
 * made into lines (CPU) while N's fdatasync runs, then written as group N+1 once N is
 * durable. A failed write closes the file; the groups already made after it are refused,
 * and the next group reopens the file and continues from its real last line.
 */
async function writeLoop(d: Device): Promise<void> {
  let writing: Promise<void> = Promise.resolve();
  let madeHead = d.head;
  for (;;) {
    if (d.appends.length === 0) {
      await writing;
      if (d.appends.length === 0) return;
      continue;
    }
    if (d.broken !== undefined || d.handle === undefined) {
      await writing;
      delete d.broken;
      const pending = d.appends.splice(0);
      try {
        if (d.file === undefined) throw new Error('audit file is not open');
        // A failed write may be partial: reopening re-reads the file's real tail.
        await openFile(d, d.file);
      } catch (err) {
        fail(pending, errorCode(err));
        continue;
      }
      d.appends.unshift(...pending);
      madeHead = d.head;
    }
    const made = makeGroup(d, d.appends.splice(0), madeHead);
    madeHead = made.head;
    const previous = writing;
    writing = previous.then(() => writeGroup(d, made));
    // The next group is made once the one before this is durable, while this one writes.
    await previous;
  }
}

function enqueue(d: Device, append: Append): void {
  d.appends.push(append);
  startLoop(d);
}

function startLoop(d: Device): void {
  if (d.writing !== undefined) return;
  d.writing = writeLoop(d).finally(() => {
    delete d.writing;
    // Queued between the loop's last check and this callback: start again.
    if (d.appends.length > 0) startLoop(d);
  });
}

async function handle(message: LineWorkerRequest): Promise<void> {
  const { call } = message;
  switch (message.kind) {
    case 'lines': {
      const made = device(message.device, message.settings, message.head).maker.makeNow(message.head, message.batch);
      // A fresh copy whose whole buffer can be transferred (Buffer.from may share a pool slab).
      const bytes = new Uint8Array(made.bytes);
      reply({ call, kind: 'lines', bytes, head: made.head, failed: made.failed }, [bytes.buffer]);
      return;
    }
    case 'open': {
      const d = device(message.device, message.settings, message.head);
      await d.writing;
      d.head = message.head;
      await openFile(d, message.file);
      reply({ call, kind: 'opened', head: d.head });
      return;
    }
    case 'append': {
      const d = devices.get(message.device);
      if (d === undefined) throw new Error('audit file is not open');
      enqueue(d, { call, batch: message.batch });
      return;
    }
    case 'close': {
      const d = devices.get(message.device);
      if (d !== undefined) {
        await d.writing;
        await closeFile(d);
        devices.delete(message.device);
      }
      reply({ call, kind: 'closed', head: d?.head ?? { seq: 0, hash: '' } });
      return;
    }
  }
}

// Requests are taken in order; appends only queue (their writes run in each device's loop),
// so open and close wait for the writes queued before them.
let queue: Promise<void> = Promise.resolve();

parentPort?.on('message', (message: LineWorkerRequest) => {
  queue = queue.then(() =>
    handle(message).catch((err: unknown) => {
      reply({ call: message.call, kind: 'error', error: errorCode(err) });
    }),
  );
});
