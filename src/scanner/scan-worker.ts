// src/scanner — worker-thread entry: builds a BatchScanner from workerData and answers each
// {id, job} message with {id, result} (or {id, error}).
import { parentPort, workerData } from 'node:worker_threads';
import { BatchScanner } from './batch-scanner.js';
import type { BatchJob, BatchSettings } from './batch-scanner.js';

const scanner = new BatchScanner(workerData as BatchSettings);
parentPort?.on('message', (msg: { id: number; job: BatchJob }) => {
  try {
    parentPort?.postMessage({ id: msg.id, result: scanner.run(msg.job) });
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
