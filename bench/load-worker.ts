// bench — the load generator, run as a child process of server-bench.ts so it does not
// steal the server's event loop. Receives one LoadSpec over IPC, keeps `concurrency`
// requests in flight over keep-alive node:http connections for warm-up + duration, and
// replies with a LoadResult (latencies counted only after warm-up). No extra dependency:
// node:http's keep-alive Agent is enough to saturate one server core from one client core.
// A login load also reads each answer: it counts only a 200 carrying auth.client_token.
import http from 'node:http';
import type { LoadResult, LoadSpec } from './bench-protocol.js';
import { requestSource } from './request-source.js';

interface Sample {
  readonly status: number;
  readonly ms: number;
  /** Why the answer is not a success ('' when it is). */
  readonly error: string;
}

/** '' when a login answer is a 200 with a client token; otherwise the reason. */
function loginError(status: number, text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `status ${status}, body is not JSON`;
  }
  const shaped = body as { auth?: { client_token?: unknown } | null; errors?: unknown };
  if (status === 200 && typeof shaped.auth?.client_token === 'string' && shaped.auth.client_token !== '') return '';
  const reason = Array.isArray(shaped.errors) && typeof shaped.errors[0] === 'string' ? shaped.errors[0] : 'no auth.client_token';
  return `status ${status}: ${reason.slice(0, 200)}`;
}

function plainError(status: number): string {
  return status >= 200 && status < 300 ? '' : `status ${status}`;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const source = await requestSource(spec);
  const readBody = spec.kind === 'login';
  let seq = 0;
  const start = performance.now();
  const measureFrom = start + spec.warmupMs;
  const end = measureFrom + spec.durationMs;
  const latencies: number[] = [];
  let errors = 0;
  let firstErrorStatus = 0;
  let firstError = '';

  const one = (): Promise<Sample> => {
    const { method, path, body } = source(seq++);
    const t0 = performance.now();
    return new Promise((resolve) => {
      const req = http.request(
        { agent, host: url.hostname, port: url.port, method, path, headers: { 'X-Vault-Token': spec.token, 'Content-Type': 'application/json' } },
        (res) => {
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] = [];
          if (readBody) res.on('data', (chunk: Buffer) => chunks.push(chunk));
          else res.resume();
          res.on('end', () => {
            const ms = performance.now() - t0;
            resolve({ status, ms, error: readBody ? loginError(status, Buffer.concat(chunks).toString('utf8')) : plainError(status) });
          });
        },
      );
      req.on('error', (err) => resolve({ status: 0, ms: performance.now() - t0, error: `request failed: ${err.message}` }));
      req.end(body);
    });
  };

  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const sample = await one();
      if (performance.now() - sample.ms < measureFrom) continue;
      latencies.push(sample.ms);
      if (sample.error !== '') {
        errors++;
        if (firstError === '') {
          firstError = sample.error;
          firstErrorStatus = sample.status;
        }
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
    firstError,
    seconds,
    rps: (latencies.length - errors) / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
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
