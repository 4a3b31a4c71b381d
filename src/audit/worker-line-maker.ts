// src/audit — an AuditLineMaker that makes a device's lines on a worker thread. HMACing,
// serialising and chain-hashing every record was about half of an audited request's CPU
// on the event loop; here the loop only hands over the raw entries (a structured clone) and
// gets the finished bytes back (transferred, not copied). One worker serves every device of
// the process; it is started on first use and holds the process open only while a batch is
// out. If it cannot start, dies, or an entry cannot be cloned, the batch is made on this
// thread instead (LocalLineMaker), and a dead worker is not restarted: correctness never
// depends on it.
//
// Blocks shared by a request's two records (see audit-line-serializer.ts) are numbered
// here, once per block object, so the worker can reuse their text across batches.
import { Worker } from 'node:worker_threads';
import type { ChainHead } from './audit-chain.js';
import { LocalLineMaker } from './audit-line-maker.js';
import type { AuditLineMaker, BatchEntry, LineSettings, MadeLines } from './audit-line-maker.js';
import type { AuditAuth, AuditEntry, AuditRequest } from './audit-entry.js';
import type { LineWorkerReply, LineWorkerRequest } from './line-worker-protocol.js';

class WorkerGone extends Error {}

interface Pending {
  readonly resolve: (reply: LineWorkerReply) => void;
  readonly reject: (err: Error) => void;
}

/** The process's one line worker. */
class LineWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly known = new Set<number>();
  private nextCall = 1;
  dead = false;

  constructor() {
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    this.worker = new Worker(new URL(`./audit-line-worker${ext}`, import.meta.url));
    this.worker.unref();
    this.worker.on('message', (reply: LineWorkerReply) => {
      const p = this.pending.get(reply.call);
      if (p === undefined) return;
      this.pending.delete(reply.call);
      if (this.pending.size === 0) this.worker.unref();
      p.resolve(reply);
    });
    const fail = (): void => {
      this.dead = true;
      for (const p of this.pending.values()) p.reject(new WorkerGone());
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', fail);
  }

  make(device: number, settings: LineSettings, head: ChainHead, batch: readonly BatchEntry[]): Promise<LineWorkerReply> {
    if (this.dead) return Promise.reject(new WorkerGone());
    const call = this.nextCall++;
    const request: LineWorkerRequest = { call, device, head, batch, ...(this.known.has(device) ? {} : { settings }) };
    return new Promise((resolve, reject) => {
      try {
        this.worker.postMessage(request);
      } catch (err) {
        // Not cloneable (or the port is closed): the caller makes this batch itself.
        reject(err instanceof Error ? err : new Error('postMessage failed'));
        return;
      }
      this.known.add(device);
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(call, { resolve, reject });
    });
  }
}

let shared: LineWorker | undefined;
let unavailable = false;

function lineWorker(): LineWorker | undefined {
  if (unavailable) return undefined;
  if (shared === undefined || shared.dead) {
    if (shared?.dead === true) {
      unavailable = true;
      return undefined;
    }
    try {
      shared = new LineWorker();
    } catch {
      unavailable = true;
      return undefined;
    }
  }
  return shared;
}

let nextDevice = 1;
let nextBlock = 1;
const blockIds = new WeakMap<object, number>();

function blockId(block: object): number {
  let id = blockIds.get(block);
  if (id === undefined) {
    id = nextBlock++;
    blockIds.set(block, id);
  }
  return id;
}

/** Stands in for a block an earlier entry of the same batch carries (never serialised). */
const OMITTED_REQUEST: AuditRequest = { id: '', operation: '', path: '', client_token: '', client_token_accessor: '', remote_address: '' };
const OMITTED_AUTH: AuditAuth = {
  client_token: '', accessor: '', display_name: '', policies: [], token_policies: [], metadata: null, entity_id: '', token_type: '', token_ttl: 0,
};

/**
 * Numbers each entry's blocks; a block already carried by an earlier entry of this batch is
 * replaced by a stand-in, so a request's two records in one batch clone it only once.
 */
function numbered(batch: readonly BatchEntry[]): BatchEntry[] {
  const carried = new Set<number>();
  return batch.map(({ entry }) => {
    const auth = entry.auth === undefined ? undefined : blockId(entry.auth);
    const request = blockId(entry.request);
    const omitAuth = auth !== undefined && carried.has(auth);
    const omitRequest = carried.has(request);
    if (auth !== undefined) carried.add(auth);
    carried.add(request);
    const copy: AuditEntry = {
      ...entry,
      ...(entry.auth !== undefined && omitAuth ? { auth: OMITTED_AUTH } : {}),
      request: omitRequest ? OMITTED_REQUEST : entry.request,
    };
    const omitted = omitAuth || omitRequest ? { omitted: { ...(omitAuth ? { auth: true } : {}), ...(omitRequest ? { request: true } : {}) } } : {};
    return { entry: copy, ids: { ...(auth === undefined ? {} : { auth }), request, ...omitted } };
  });
}

export class WorkerLineMaker implements AuditLineMaker {
  private readonly device = nextDevice++;
  private readonly local: LocalLineMaker;

  constructor(private readonly settings: LineSettings) {
    this.local = new LocalLineMaker(settings);
  }

  async make(head: ChainHead, batch: readonly BatchEntry[]): Promise<MadeLines> {
    const worker = lineWorker();
    if (worker === undefined) return this.local.make(head, batch);
    let reply: LineWorkerReply;
    try {
      reply = await worker.make(this.device, this.settings, head, numbered(batch));
    } catch {
      return this.local.make(head, batch);
    }
    if ('error' in reply) return this.local.make(head, batch);
    return { bytes: Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength), head: reply.head, failed: reply.failed };
  }
}
