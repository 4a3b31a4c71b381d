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
import type { ChainHead } from './audit-chain.js';
import { LocalLineMaker } from './audit-line-maker.js';
import type { AuditLineMaker, BatchEntry, LineSettings, MadeLines } from './audit-line-maker.js';
import type { AuditAuth, AuditEntry, AuditRequest } from './audit-entry.js';
import { AuditWorkerClient } from './audit-worker-client.js';

let nextDevice = 1;

/** Device numbers, unique in this process (the worker keys its per-device state by them). */
export function nextAuditDeviceId(): number {
  return nextDevice++;
}
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
export function numberBlocks(batch: readonly BatchEntry[]): BatchEntry[] {
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
  private readonly device = nextAuditDeviceId();
  private readonly local: LocalLineMaker;

  constructor(private readonly settings: LineSettings) {
    this.local = new LocalLineMaker(settings);
  }

  async make(head: ChainHead, batch: readonly BatchEntry[]): Promise<MadeLines> {
    const worker = AuditWorkerClient.get();
    if (worker === undefined) return this.local.make(head, batch);
    let reply;
    try {
      reply = await worker.request({ kind: 'lines', device: this.device, settings: this.settings, head, batch: numberBlocks(batch) });
    } catch {
      return this.local.make(head, batch);
    }
    if (reply.kind !== 'lines') return this.local.make(head, batch);
    return { bytes: Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength), head: reply.head, failed: reply.failed };
  }
}
