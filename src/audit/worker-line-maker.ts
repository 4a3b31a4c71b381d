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
import type { AuditEntry, AuditRequest } from './audit-entry.js';
import type { WorkerKnownBlocks } from './worker-known-blocks.js';
import { responseKeysSignature } from './audit-line-serializer.js';
import { isShared } from '../lib/shared-value.js';
import { AuditWorkerClient } from './audit-worker-client.js';
import { auditBlockId, nextAuditBlockId } from './audit-block-id.js';

let nextDevice = 1;

/** Device numbers, unique in this process (the worker keys its per-device state by them). */
export function nextAuditDeviceId(): number {
  return nextDevice++;
}

/**
 * Shared response data by value and non-HMAC response keys: the same value logged under
 * other keys left clear (a tuned mount) is another text, so it gets another number.
 */
const dataBlockIds = new WeakMap<object, Map<string, number>>();

function dataBlockId(data: object, keys: string): number {
  let byKeys = dataBlockIds.get(data);
  if (byKeys === undefined) {
    byKeys = new Map();
    dataBlockIds.set(data, byKeys);
  }
  let id = byKeys.get(keys);
  if (id === undefined) {
    id = nextAuditBlockId();
    byKeys.set(keys, id);
  }
  return id;
}

/** Stands in for a request block the worker already has (never serialised). */
const OMITTED_REQUEST: AuditRequest = { id: '', operation: '', path: '', client_token: '', client_token_accessor: '', remote_address: '' };

/**
 * The copy of `entry` that crosses to the worker without its omitted blocks, written field
 * by field (object rest with exclusions takes a slow path in V8, once per record here). A
 * test builds an entry with every AuditEntry field and checks each one is carried.
 */
function withoutOmitted(entry: AuditEntry, auth: boolean, request: boolean, data: boolean): AuditEntry {
  const out: { -readonly [K in keyof AuditEntry]: AuditEntry[K] } = { type: entry.type, time: entry.time, request: request ? OMITTED_REQUEST : entry.request };
  // The raw token travels only with an auth block that is sent in full.
  if (!auth && entry.auth !== undefined) out.auth = entry.auth;
  if (!auth && entry.authToken !== undefined) out.authToken = entry.authToken;
  // `data` keeps its place in the response (the worker writes keys in order).
  if (entry.response !== undefined) out.response = data ? { ...entry.response, data: null } : entry.response;
  if (entry.error !== undefined) out.error = entry.error;
  if (entry.nonHmac !== undefined) out.nonHmac = entry.nonHmac;
  return out;
}

/**
 * Numbers each entry's blocks. A block the worker already has travels as its number only:
 * one carried by an earlier entry of this batch, or, given `known` (a file device's output,
 * which sends every batch to the same worker-side device), one sent in an earlier batch that
 * `known` says the worker still remembers. An omitted auth block is left out of the entry;
 * an omitted request block is replaced by a small stand-in (the entry type requires one).
 */
export function numberBlocks(batch: readonly BatchEntry[], known?: WorkerKnownBlocks): BatchEntry[] {
  // With `known`, it also holds this batch's blocks, so what it says stays within the bound
  // the worker's memory is sized for (a batch alone could exceed it); without, the batch's.
  const carried = new Set<number>();
  const has = (id: number): boolean => (known === undefined ? carried.has(id) : known.has(id));
  const carry = (id: number): void => {
    if (known === undefined) carried.add(id);
    else known.sent(id);
  };
  return batch.map(({ entry }) => {
    const auth = entry.auth === undefined ? undefined : auditBlockId(entry.auth);
    const request = auditBlockId(entry.request);
    const shared = entry.response !== undefined && isShared(entry.response.data) ? entry.response.data : undefined;
    const data = shared === undefined ? undefined : dataBlockId(shared, responseKeysSignature(entry.nonHmac));
    const omitAuth = auth !== undefined && has(auth);
    const omitRequest = has(request);
    const omitData = data !== undefined && has(data);
    if (auth !== undefined && !omitAuth) carry(auth);
    if (!omitRequest) carry(request);
    if (data !== undefined && !omitData) carry(data);
    const ids: { auth?: number; request: number; data?: number; omitted?: { auth?: boolean; request?: boolean; data?: boolean } } = { request };
    if (auth !== undefined) ids.auth = auth;
    if (data !== undefined) ids.data = data;
    if (!(omitAuth || omitRequest || omitData)) return { entry, ids };
    const omitted: { auth?: boolean; request?: boolean; data?: boolean } = {};
    if (omitAuth) omitted.auth = true;
    if (omitRequest) omitted.request = true;
    if (omitData) omitted.data = true;
    ids.omitted = omitted;
    return { entry: withoutOmitted(entry, omitAuth, omitRequest, omitData), ids };
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
