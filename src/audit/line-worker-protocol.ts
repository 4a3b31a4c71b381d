// src/audit — the messages between the main thread (audit-worker-client.ts) and the audit
// worker (audit-line-worker.ts). Plain structured-clone data; every request carries a call
// number its reply repeats.
import type { ChainHead } from './audit-chain.js';
import type { BatchEntry, LineSettings } from './audit-line-maker.js';

/** An audit file as the worker opens it (see open-audit-file.ts). */
export interface WorkerFile {
  readonly path: string;
  /** 0 leaves an existing file's mode alone. */
  readonly mode: number;
}

export type LineWorkerRequest =
  /** Lines for `batch` from `head`, returned as bytes (the caller writes them). */
  | { readonly kind: 'lines'; readonly call: number; readonly device: number; readonly settings: LineSettings; readonly head: ChainHead; readonly batch: readonly BatchEntry[] }
  /** Opens (or reopens) the device's file; answers the head its chain continues from. */
  | { readonly kind: 'open'; readonly call: number; readonly device: number; readonly settings: LineSettings; readonly file: WorkerFile; readonly head: ChainHead }
  /** Lines for `batch` appended to the device's file and made durable (group-committed). */
  | { readonly kind: 'append'; readonly call: number; readonly device: number; readonly batch: readonly BatchEntry[] }
  | { readonly kind: 'close'; readonly call: number; readonly device: number };

export type LineWorkerReply =
  | { readonly call: number; readonly kind: 'lines'; readonly bytes: Uint8Array; readonly head: ChainHead; readonly failed: readonly number[] }
  | { readonly call: number; readonly kind: 'opened' | 'closed'; readonly head: ChainHead }
  /**
   * The batch is durable. `head` is the chain after its lines; `records` how many were
   * written (the `failed` ones could not be serialised); `synced` marks the last answer of
   * one write + fdatasync (a group of appends shares one).
   */
  | { readonly call: number; readonly kind: 'appended'; readonly head: ChainHead; readonly failed: readonly number[]; readonly records: number; readonly synced: boolean }
  /** The request failed: `error` is an error code or name, never a message (it could quote data). */
  | { readonly call: number; readonly kind: 'error'; readonly error: string };

/** A request without its call number (the client numbers it). */
export type LineWorkerCall = LineWorkerRequest extends infer R ? (R extends LineWorkerRequest ? Omit<R, 'call'> : never) : never;
