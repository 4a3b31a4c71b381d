// bench — how figures are printed: one aligned line per measurement, with the target and
// whether it was met next to the figure, so a run's output is the report.
import type { LoadResult } from './bench-protocol.js';

export const benchFormat = {
  rate(n: number): string {
    return `${Math.round(n).toLocaleString('en-US')}/s`.padStart(10);
  },
  ms(n: number): string {
    return `${n.toFixed(2)} ms`.padStart(9);
  },
  mb(bytes: number): string {
    return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  },
  /** `label  12,345/s  p50 1.23 ms  p99 4.56 ms  (n requests, e errors, first: reason)`; the rate counts successes only. */
  load(label: string, r: LoadResult): string {
    const errors = r.errors > 0 ? `, ${r.errors} errors, first: ${r.firstError || `status ${r.firstErrorStatus}`}` : '';
    return `${label.padEnd(26)}${benchFormat.rate(r.rps)}  p50 ${benchFormat.ms(r.p50Ms)}  p99 ${benchFormat.ms(r.p99Ms)}  (${r.requests.toLocaleString('en-US')} req${errors})`;
  },
  target(met: boolean, text: string): string {
    return `[${met ? 'MET' : 'MISSED'}: ${text}]`;
  },
};
