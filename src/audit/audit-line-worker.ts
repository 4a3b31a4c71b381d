// src/audit — the worker thread behind worker-line-maker.ts: it holds one LocalLineMaker
// per device (key and options arrive with a device's first batch) and answers each batch
// with its lines, the new chain head and the entries that failed. Stateless apart from
// those makers (and their block memos): the chain head always comes from the device.
import { parentPort } from 'node:worker_threads';
import { LocalLineMaker } from './audit-line-maker.js';
import type { LineWorkerReply, LineWorkerRequest } from './line-worker-protocol.js';

const makers = new Map<number, LocalLineMaker>();

parentPort?.on('message', (message: LineWorkerRequest) => {
  let reply: LineWorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    if (message.settings !== undefined) makers.set(message.device, new LocalLineMaker(message.settings));
    const maker = makers.get(message.device);
    if (maker === undefined) throw new Error('unknown device');
    const made = maker.makeNow(message.head, message.batch);
    // A fresh copy whose whole buffer can be transferred (Buffer.from may share a pool slab).
    const bytes = new Uint8Array(made.bytes);
    transfer = [bytes.buffer];
    reply = { call: message.call, bytes, head: made.head, failed: made.failed };
  } catch (err) {
    reply = { call: message.call, error: err instanceof Error ? err.name : 'error' };
  }
  parentPort?.postMessage(reply, transfer);
});
