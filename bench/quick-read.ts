// bench — a short SQLite KV read run (the hot path of the full bench) for profiling changes:
// `node dist/bench/quick-read.js` (ARCA_BENCH_AUDIT=off to measure without the audit
// device, ARCA_BENCH_SECONDS to lengthen, ARCA_BENCH_STORAGE=postgres for PostgreSQL in a
// table of its own, dropped afterwards; ARCA_BENCH_WRITES=on for KV writes and token
// creation too). Prints the ceiling and the Arca read in one run, each with the server
// process's CPU time per request (from /proc, Linux only): on a shared machine req/s moves
// with other load, CPU per request much less (ARCA_BENCH_THREADS=on lists the other threads' shares).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { HostHandle } from './host-handle.js';
import { dropTable } from './drop-table.js';
import { loadInChild } from './load-child.js';
import { setupArca } from './arca-setup.js';
import { benchFormat as f } from './bench-format.js';
import type { LoadResult, LoadSpec } from './bench-protocol.js';

const seconds = Number(process.env['ARCA_BENCH_SECONDS'] ?? 5);
/** ARCA_BENCH_STORAGE=postgres reads from PostgreSQL (ARCA_BENCH_POSTGRES_URL) instead of SQLite. */
const storage = process.env['ARCA_BENCH_STORAGE'] === 'postgres' ? 'postgres' : 'sqlite';
const POSTGRES_URL = process.env['ARCA_BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const warmupMs = 1000;
/** ARCA_BENCH_WRITES=on also measures KV writes and token creation (storage write paths). */
const writes = process.env['ARCA_BENCH_WRITES'] === 'on';

interface HostCpu {
  /** CPU milliseconds (user + system) of the whole server host process. */
  readonly all: number;
  /** Of its main thread (the event loop) alone. */
  readonly main: number;
  /** Every other thread by id (the audit worker, libuv's pool, V8's helpers: all named "node"). */
  readonly threads: ReadonlyMap<string, number>;
}

function cpuMsOf(statPath: string): number {
  const fields = readFileSync(statPath, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU used so far by the server host: the first child this process forked. */
function hostCpuMs(): HostCpu | undefined {
  try {
    const pid = readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8').trim().split(/\s+/)[0];
    const threads = new Map<string, number>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      if (tid === pid) continue;
      threads.set(tid, cpuMsOf(`/proc/${pid}/task/${tid}/stat`));
    }
    return { all: cpuMsOf(`/proc/${pid}/stat`), main: cpuMsOf(`/proc/${pid}/task/${pid}/stat`), threads };
  } catch {
    return undefined;
  }
}

/** Runs the load and reports the host's CPU per measured request (after warm-up). */
async function measured(label: string, spec: Omit<LoadSpec, 'warmupMs' | 'durationMs'>): Promise<string> {
  let from: HostCpu | undefined;
  const timer = setTimeout(() => (from = hostCpuMs()), warmupMs);
  const result: LoadResult = await loadInChild({ ...spec, warmupMs, durationMs: seconds * 1000 });
  clearTimeout(timer);
  const to = hostCpuMs();
  const perReq = (ms: number): string => ((ms * 1000) / result.requests).toFixed(0);
  // The event loop is the server's bottleneck: its share is printed apart from the process's.
  const cpu = from !== undefined && to !== undefined && result.requests > 0 ? `, ${perReq(to.all - from.all)} µs CPU/req (event loop ${perReq(to.main - from.main)})` : '';
  // ARCA_BENCH_THREADS=on: each other thread, busiest first (one started after warm-up counts whole).
  const rest =
    process.env['ARCA_BENCH_THREADS'] === 'on' && from !== undefined && to !== undefined && result.requests > 0
      ? `\n    other threads, µs/req, busiest first: ${[...to.threads]
          .map(([tid, ms]) => ms - (from?.threads.get(tid) ?? 0))
          .filter((ms) => ms > 0)
          .sort((a, b) => b - a)
          .map(perReq)
          .join(', ')}`
      : '';
  return `${f.load(label, result)}${cpu}${rest}`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(`${tmpdir()}/arca-bench-`);
  const table = `arca_quick_${process.pid}_${Date.now()}`;
  try {
    const host = await HostHandle.start({
      mode: 'arca',
      dataDir: dir,
      storage,
      ...(storage === 'postgres' ? { postgresUrl: POSTGRES_URL, postgresTable: table } : {}),
    });
    let bodyBytes = 0;
    try {
      const fixture = await setupArca(host.address, host.rootToken, dir);
      bodyBytes = fixture.readBodyBytes;
      const audit = process.env['ARCA_BENCH_AUDIT'] !== 'off';
      if (!audit) await fetch(`${host.address}/v1/sys/audit/file`, { method: 'DELETE', headers: { 'X-Vault-Token': host.rootToken } });
      const line = await measured('KV v2 read', { baseUrl: host.address, kind: 'get', path: fixture.readPath, token: fixture.token, concurrency: 64, valueBytes: 0 });
      console.log(`  ${line} [${storage}, audit ${audit ? 'on' : 'off'}]`);
      if (writes) {
        const write = await measured('KV v2 write', { baseUrl: host.address, kind: 'kv-write', path: '/v1/secret/data/bench/w-', token: fixture.token, concurrency: 64, valueBytes: 1024 });
        console.log(`  ${write} [${storage}]`);
        const create = await measured('token create', { baseUrl: host.address, kind: 'token-create', path: '/v1/auth/token/create', token: host.rootToken, concurrency: 64, valueBytes: 0 });
        console.log(`  ${create} [${storage}]`);
      }
    } finally {
      await host.close();
    }
    const ceiling = await HostHandle.start({ mode: 'ceiling', bodyBytes });
    try {
      const line = await measured('ceiling', { baseUrl: ceiling.address, kind: 'get', path: '/', token: '', concurrency: 64, valueBytes: 0 });
      console.log(`  ${line} [node:http, ${bodyBytes} B]`);
    } finally {
      await ceiling.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (storage === 'postgres') await dropTable(POSTGRES_URL, table);
  }
}

await main();
