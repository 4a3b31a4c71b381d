// src/audit — the messages between worker-line-maker.ts (main thread) and
// audit-line-worker.ts (the worker). Plain structured-clone data.
import type { ChainHead } from './audit-chain.js';
import type { BatchEntry, LineSettings } from './audit-line-maker.js';

export interface LineWorkerRequest {
  readonly call: number;
  readonly device: number;
  /** Sent with a device's first batch to this worker. */
  readonly settings?: LineSettings;
  readonly head: ChainHead;
  readonly batch: readonly BatchEntry[];
}

export type LineWorkerReply =
  | { readonly call: number; readonly bytes: Uint8Array; readonly head: ChainHead; readonly failed: readonly number[] }
  /** The worker could not make the batch at all (the caller makes it on its own thread). */
  | { readonly call: number; readonly error: string };
