// src/audit — where audit devices make their lines: on the event loop, or on the shared audit
// worker thread (worker-line-maker.ts, worker-file-output.ts). The worker takes a few µs of
// line making off the event loop per request, but crossing threads (structured clones both
// ways, wake-ups, the worker's own heap) costs more CPU in all than making the lines here:
// measured on 2 cores, a read took ~100 µs of server CPU with the worker and ~75 µs without
// (docs/benchmarks.md, sixth pass). So the worker pays only when it has a core to itself
// and the event loop is the bottleneck: by default, with at least AUDIT_WORKER_MIN_CORES.
import { availableParallelism } from 'node:os';

/** `audit_worker` in the server config: 'auto' decides by the cores this process may use. */
export type AuditWorkerSetting = 'auto' | 'on' | 'off';

/** With fewer cores, the worker competes for them and costs more than it saves. */
export const AUDIT_WORKER_MIN_CORES = 4;

export function auditOnWorker(setting: AuditWorkerSetting, cores: number = availableParallelism()): boolean {
  if (setting === 'on') return true;
  if (setting === 'off') return false;
  return cores >= AUDIT_WORKER_MIN_CORES;
}
