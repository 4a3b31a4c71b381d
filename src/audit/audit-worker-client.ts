// src/audit — the main thread's side of the process's one audit worker thread
// (audit-line-worker.ts): numbers requests, matches replies, keeps the process alive only
// while a request is out, and reports the worker gone (it is not restarted; callers fall
// back to doing the work on the event loop). Started on first use.
import { Worker } from 'node:worker_threads';
import type { LineWorkerCall, LineWorkerReply } from './line-worker-protocol.js';

/** The worker could not take the request: it never started or has died. */
export class AuditWorkerUnavailable extends Error {}

/** The request could not be sent: something in it cannot be cloned (the worker is fine). */
export class AuditRequestNotCloneable extends Error {}

interface Pending {
  readonly resolve: (reply: LineWorkerReply) => void;
  readonly reject: (err: Error) => void;
}

/**
 * Run from TypeScript sources (tests under tsx), the worker registers tsx's loader itself
 * before importing its module: a worker does not inherit the main thread's loader hooks.
 */
function sourceWorker(): Worker {
  const url = new URL('./audit-line-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(url)}); })`;
  return new Worker(boot, { eval: true });
}

export class AuditWorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextCall = 1;
  dead = false;

  private constructor() {
    this.worker = import.meta.url.endsWith('.ts') ? sourceWorker() : new Worker(new URL('./audit-line-worker.js', import.meta.url));
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
      for (const p of this.pending.values()) p.reject(new AuditWorkerUnavailable('audit worker exited'));
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', fail);
  }

  /** Sends `request`; rejects with AuditWorkerUnavailable or AuditRequestNotCloneable. */
  request(request: LineWorkerCall, transfer: ArrayBuffer[] = []): Promise<LineWorkerReply> {
    if (this.dead) return Promise.reject(new AuditWorkerUnavailable('audit worker exited'));
    const call = this.nextCall++;
    return new Promise((resolve, reject) => {
      try {
        this.worker.postMessage({ ...request, call }, transfer);
      } catch {
        reject(new AuditRequestNotCloneable('audit entry could not be sent to the worker'));
        return;
      }
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(call, { resolve, reject });
    });
  }

  private static shared: AuditWorkerClient | undefined;
  private static unavailable = false;

  /** The process's worker, or undefined once it could not start or has died. */
  static get(): AuditWorkerClient | undefined {
    if (AuditWorkerClient.unavailable) return undefined;
    const current = AuditWorkerClient.shared;
    if (current !== undefined && !current.dead) return current;
    if (current?.dead === true) {
      AuditWorkerClient.unavailable = true;
      return undefined;
    }
    try {
      AuditWorkerClient.shared = new AuditWorkerClient();
    } catch {
      AuditWorkerClient.unavailable = true;
      return undefined;
    }
    return AuditWorkerClient.shared;
  }
}
