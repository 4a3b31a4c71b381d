// bench — the load generator, run as a child process of server-bench.ts so it does not
// steal the server's event loop. Receives one LoadSpec over IPC, keeps `concurrency`
// requests in flight over keep-alive node:http connections for warm-up + duration, and
// replies with a LoadResult (latencies counted only after warm-up). No extra dependency:
// node:http's keep-alive Agent is enough to saturate one server core from one client core.
import http from 'node:http';
import type { LoadResult, LoadSpec } from './bench-protocol.js';

interface Sample {
  readonly status: number;
  readonly ms: number;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const value = 'v'.repeat(spec.valueBytes);
  let seq = 0;
  const start = performance.now();
  const measureFrom = start + spec.warmupMs;
  const end = measureFrom + spec.durationMs;
  const latencies: number[] = [];
  let errors = 0;
  let firstErrorStatus = 0;

  const one = (): Promise<Sample> => {
    const { method, path, body } = requestFor(spec, value, seq++);
    const t0 = performance.now();
    return new Promise((resolve) => {
      const req = http.request(
        { agent, host: url.hostname, port: url.port, method, path, headers: { 'X-Vault-Token': spec.token, 'Content-Type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
        },
      );
      req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
      req.end(body);
    });
  };

  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const sample = await one();
      if (performance.now() - sample.ms < measureFrom) continue;
      latencies.push(sample.ms);
      if (sample.status < 200 || sample.status >= 300) {
        errors++;
        if (firstErrorStatus === 0) firstErrorStatus = sample.status;
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, loop));
  agent.destroy();
  const seconds = spec.durationMs / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    firstErrorStatus,
    seconds,
    rps: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

function requestFor(spec: LoadSpec, value: string, n: number): { method: string; path: string; body: string | undefined } {
  switch (spec.kind) {
    case 'get':
      return { method: 'GET', path: spec.path, body: undefined };
    case 'kv-write':
      return { method: 'POST', path: `${spec.path}${process.pid}-${n}`, body: JSON.stringify({ data: { value } }) };
    case 'token-create':
      return { method: 'POST', path: spec.path, body: JSON.stringify({ policies: ['bench'], ttl: '1h' }) };
  }
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

process.once('message', (spec: LoadSpec) => {
  runLoad(spec).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (err: unknown) => {
      console.error('load-worker:', err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
});
