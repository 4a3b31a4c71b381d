// src/scanner — spreads batches over worker threads (one per core by default) so file and
// history scans use every core. With `threads: 0` batches run inline on the calling thread,
// which is what small scans and unit tests use. Each call resolves with that batch's result.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BatchJob, BatchResult, BatchSettings } from './batch-scanner.js';
import { BatchScanner } from './batch-scanner.js';

interface Pending {
  readonly resolve: (r: BatchResult) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  busy: number;
}

// After `tsc` the worker is plain JavaScript. Under tsx (development and `node --import tsx
// --test`) this module is TypeScript and loader hooks do not reach new threads, so the worker
// registers tsx itself before importing the entry.
function startWorker(settings: BatchSettings): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./scan-worker.js', import.meta.url), { workerData: settings });
  const entry = new URL('./scan-worker.ts', import.meta.url).href;
  // Resolved here: an eval'd worker would resolve a bare specifier against the process cwd.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: settings });
}

export class ScanPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly inline: BatchScanner | undefined;
  private nextId = 1;

  constructor(settings: BatchSettings, threads = availableParallelism()) {
    if (threads <= 0) {
      this.inline = new BatchScanner(settings);
      return;
    }
    for (let i = 0; i < threads; i++) {
      const worker = startWorker(settings);
      const slot: Slot = { worker, busy: 0 };
      worker.on('message', (msg: { id: number; result?: BatchResult; error?: string }) => {
        slot.busy--;
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (!p) return;
        if (msg.result) p.resolve(msg.result);
        else p.reject(new Error(msg.error ?? 'scan worker failed'));
      });
      worker.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      this.slots.push(slot);
    }
  }

  get size(): number {
    return Math.max(1, this.slots.length);
  }

  /** Batches queued and not yet answered, for back-pressure. */
  get inFlight(): number {
    return this.pending.size;
  }

  run(job: BatchJob): Promise<BatchResult> {
    if (this.inline) {
      try {
        return Promise.resolve(this.inline.run(job));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise<BatchResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
