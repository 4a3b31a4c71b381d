// bench — `npm run bench`'s server part (run by scripts/run-bench.js in its own process).
// Every server under test runs in its own child process (server-host.ts) and every load in
// another (load-worker.ts), so client and server never share an event loop and each RSS
// is the server's own. Prints, in order: KV v2 reads with a non-root token, a ~20-rule
// policy and the file audit device on SQLite, in alternating pairs with the bare node:http
// ceiling (same body size, same load), then with 8 requests in flight; KV v2 writes and token
// creation; the same on PostgreSQL (its reads against a ceiling run of their own), and how
// soon a write on one PostgreSQL node reaches another's cache; the read targets; logins per second (userpass, approle,
// jwt); then start-up time and RSS with many live token leases on SQLite, and the
// expired-lease reaping rate. Not a test: it measures and prints.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { HostHandle } from './host-handle.js';
import { dropTable } from './drop-table.js';
import { loadInChild } from './load-child.js';
import { setupArca } from './arca-setup.js';
import { benchFormat as f } from './bench-format.js';
import { benchLogins, LOGIN_CONCURRENCY } from './login-bench.js';
import { measureNotifyLatency } from './notify-latency.js';
import type { LoadResult, LoadSpec } from './bench-protocol.js';

const POSTGRES_URL = process.env['ARCA_BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONCURRENCY = 64;
/**
 * Latency is also measured with few requests in flight: at 64, p99 is mostly queueing
 * (Little's law: mean latency = in flight / throughput), so it says more about throughput
 * than about how long one request takes.
 */
const LATENCY_CONCURRENCY = 8;
/**
 * Each storage's read and the ceiling are measured in alternating pairs and the median pair is
 * reported: this machine's speed drifts by ±20% from one run to the next, far more than a
 * single pair can tell apart.
 */
const PAIRS = Number(process.env['ARCA_BENCH_PAIRS'] ?? 3);
const WARMUP_MS = 1000;
const DURATION_MS = Number(process.env['ARCA_BENCH_SECONDS'] ?? 5) * 1000;
const LEASES = Number(process.env['ARCA_BENCH_LEASES'] ?? 1_000_000);
/** 1M tokens take ~3-4 min on the 2-core dev machine under load (bulk loader ~5k tokens/s). */
const LEASE_BUDGET_MS = 330_000;
const BULK_BATCH = 50_000;
const REAP_TOKENS = 20_000;
const REAP_BUDGET_MS = 60_000;

interface ReadPair {
  readonly read: LoadResult;
  readonly ceiling: LoadResult;
}

interface CeilingFigures {
  /** The median pair's ceiling: what every read is compared with. */
  readonly read: LoadResult;
  readonly latency: LoadResult;
  readonly bodyBytes: number;
}

interface StorageFigures {
  readonly storage: 'sqlite' | 'postgres';
  /** The median pair's read. */
  readonly read: LoadResult;
  /** Every read/ceiling pair, in the order measured. */
  readonly pairs: readonly ReadPair[];
  /** The ceiling measured beside this storage's reads. */
  readonly ceiling: CeilingFigures;
  /** The same read with LATENCY_CONCURRENCY in flight. */
  readonly readLatency: LoadResult;
  readonly readBodyBytes: number;
  readonly write: LoadResult;
  readonly tokenCreate: LoadResult;
  readonly rss: number;
}

function tempDir(dirs: string[]): string {
  const dir = mkdtempSync(`${tmpdir()}/arca-bench-`);
  dirs.push(dir);
  return dir;
}

function load(base: string, token: string, kind: LoadSpec['kind'], path: string, concurrency = CONCURRENCY): Promise<LoadResult> {
  return loadInChild({ baseUrl: base, kind, path, token, concurrency, warmupMs: WARMUP_MS, durationMs: DURATION_MS, valueBytes: 1024 });
}

async function benchStorage(storage: 'sqlite' | 'postgres', dirs: string[]): Promise<StorageFigures> {
  const dataDir = tempDir(dirs);
  const table = `arca_bench_${process.pid}_${Date.now()}`;
  const host = await HostHandle.start({ mode: 'arca', dataDir, storage, ...(storage === 'postgres' ? { postgresUrl: POSTGRES_URL, postgresTable: table } : {}) });
  try {
    const fixture = await setupArca(host.address, host.rootToken, dataDir);
    const measured = await readAgainstCeiling(storage, host.address, fixture.token, fixture.readPath, fixture.readBodyBytes);
    const read = measured.read;
    const rss = await host.rss();
    console.log(`  server rss after the reads: ${f.mb(rss)}`);
    const readLatency = await load(host.address, fixture.token, 'get', fixture.readPath, LATENCY_CONCURRENCY);
    console.log(`  ${f.load(`kv read (${LATENCY_CONCURRENCY} in flight)`, readLatency)}`);
    const write = await load(host.address, fixture.token, 'kv-write', '/v1/secret/data/bench/w-');
    console.log(`  ${f.load(`kv write (${storage})`, write)}`);
    const tokenCreate = await load(host.address, host.rootToken, 'token-create', '/v1/auth/token/create');
    console.log(`  ${f.load(`token create (${storage})`, tokenCreate)}`);
    return { storage, read, pairs: measured.pairs, ceiling: measured.ceiling, readLatency, readBodyBytes: fixture.readBodyBytes, write, tokenCreate, rss };
  } finally {
    await host.close();
    if (storage === 'postgres') await dropTable(POSTGRES_URL, table);
  }
}

/**
 * The read against the bare node:http ceiling (same body size, same load), in PAIRS
 * alternating runs; the pair with the median ratio is the one reported.
 */
async function readAgainstCeiling(
  storage: StorageFigures['storage'],
  base: string,
  token: string,
  path: string,
  bodyBytes: number,
): Promise<{ read: LoadResult; pairs: ReadPair[]; ceiling: CeilingFigures }> {
  const ceilingHost = await HostHandle.start({ mode: 'ceiling', bodyBytes });
  try {
    const pairs: ReadPair[] = [];
    for (let i = 1; i <= PAIRS; i += 1) {
      const read = await load(base, token, 'get', path);
      const ceiling = await load(ceilingHost.address, '', 'get', '/');
      console.log(`  ${f.load(`kv read (${storage}) #${i}`, read)}`);
      console.log(`  ${f.load(`ceiling #${i} (${bodyBytes} B)`, ceiling)}  → read = ${((read.rps / ceiling.rps) * 100).toFixed(0)}% of ceiling`);
      pairs.push({ read, ceiling });
    }
    const median = [...pairs].sort((a, b) => a.read.rps / a.ceiling.rps - b.read.rps / b.ceiling.rps)[Math.floor((pairs.length - 1) / 2)];
    if (median === undefined) throw new Error('ARCA_BENCH_PAIRS must be at least 1');
    const latency = await load(ceilingHost.address, '', 'get', '/', LATENCY_CONCURRENCY);
    console.log(`  ${f.load(`ceiling (${LATENCY_CONCURRENCY} in flight)`, latency)}`);
    return { read: median.read, pairs, ceiling: { read: median.ceiling, latency, bodyBytes } };
  } finally {
    await ceilingHost.close();
  }
}


function printReadTargets(figures: StorageFigures): void {
  const ceiling = figures.ceiling;
  const ratio = figures.read.rps / ceiling.read.rps;
  const spread = figures.pairs.length > 1 ? ` (median of ${figures.pairs.length} pairs: ${figures.pairs.map((p) => `${((p.read.rps / p.ceiling.rps) * 100).toFixed(0)}%`).join(', ')})` : '';
  console.log(
    `  kv read (${figures.storage}) = ${(ratio * 100).toFixed(0)}% of ceiling${spread} ${f.target(ratio >= 0.5, 'read >= 50% of ceiling')} ` +
      `p99 ${figures.read.p99Ms.toFixed(2)} ms ${f.target(figures.read.p99Ms <= 10, 'p99 <= 10 ms')} ` +
      `(ceiling's own p99 ${ceiling.read.p99Ms.toFixed(2)} ms at ${CONCURRENCY} in flight), server rss ${f.mb(figures.rss)}`,
  );
  const low = figures.readLatency;
  console.log(
    `  kv read (${figures.storage}) at ${LATENCY_CONCURRENCY} in flight: p50 ${low.p50Ms.toFixed(2)} ms, p99 ${low.p99Ms.toFixed(2)} ms ` +
      `${f.target(low.p99Ms <= 10, 'p99 <= 10 ms')} (ceiling p99 ${ceiling.latency.p99Ms.toFixed(2)} ms)`,
  );
}

async function benchLeases(dirs: string[]): Promise<void> {
  const dataDir = tempDir(dirs);
  const first = await HostHandle.start({ mode: 'arca', dataDir, storage: 'sqlite' });
  const ttlSeconds = 30 * 24 * 3600;
  let total: number;
  try {
    const created = await first.send({ cmd: 'mint', method: 'create', count: LEASES, budgetMs: 5000, ttlSeconds, concurrency: 32, batch: 1 }, 'minted');
    console.log(`  TokenStore.create (one transaction per token, 32 in flight): ${f.rate(created.count / created.seconds).trim()}`);
    const bulk = await first.send({ cmd: 'mint', method: 'bulk', count: LEASES - created.count, budgetMs: LEASE_BUDGET_MS, ttlSeconds, concurrency: 1, batch: BULK_BATCH }, 'minted');
    console.log(`  bulk loader (same records, ${BULK_BATCH.toLocaleString('en-US')} tokens per transaction, written in key order): ${bulk.count.toLocaleString('en-US')} in ${bulk.seconds.toFixed(1)} s (${f.rate(bulk.count / bulk.seconds).trim()})`);
    total = created.count + bulk.count;
  } finally {
    await first.close();
  }
  const full = total >= LEASES ? '' : ` (stopped at the ${LEASE_BUDGET_MS / 1000} s budget; target was ${LEASES.toLocaleString('en-US')})`;
  console.log(`  live token leases on SQLite: ${total.toLocaleString('en-US')}${full}`);

  const second = await HostHandle.start({ mode: 'arca', dataDir, storage: 'sqlite' });
  try {
    const { sinceProcessStartMs, rss } = second.ready;
    const met = sinceProcessStartMs < 2000;
    console.log(
      `  restart with ${total.toLocaleString('en-US')} leases: first GET /v1/sys/health 200 after ${sinceProcessStartMs.toFixed(0)} ms from process start ` +
        `(${second.wallMs.toFixed(0)} ms from fork) ${f.target(met, 'serving in < 2 s')}, rss ${f.mb(rss)}`,
    );
  } finally {
    await second.close();
  }
}

async function benchReap(dirs: string[]): Promise<void> {
  const host = await HostHandle.start({ mode: 'arca', dataDir: tempDir(dirs), storage: 'sqlite', fakeClock: true });
  try {
    const minted = await host.send({ cmd: 'mint', method: 'bulk', count: REAP_TOKENS, budgetMs: 60_000, ttlSeconds: 60, concurrency: 1, batch: 10_000 }, 'minted');
    const reaped = await host.send({ cmd: 'reap', advanceMs: 120_000, batch: 1000, budgetMs: REAP_BUDGET_MS }, 'reaped');
    console.log(
      `  reaped ${reaped.count.toLocaleString('en-US')} of ${minted.count.toLocaleString('en-US')} expired tokens in ${reaped.seconds.toFixed(1)} s ` +
        `(${f.rate(reaped.count / reaped.seconds).trim()}, LeaseManager.reapExpired(1000) in a loop for at most ${REAP_BUDGET_MS / 1000} s, clock advanced past the TTL)`,
    );
  } finally {
    await host.close();
  }
}

export async function runServerBench(): Promise<void> {
  const dirs: string[] = [];
  const started = performance.now();
  console.log(`Arca server bench — node ${process.version}, concurrency ${CONCURRENCY}, ${WARMUP_MS / 1000} s warm-up + ${DURATION_MS / 1000} s per load`);
  console.log(`Load average at start: ${loadavg().map((n) => n.toFixed(1)).join(' ')} (figures are only comparable on an otherwise idle machine)`);
  console.log('Load generator: node:http keep-alive client in its own child process; each server in another child process.');
  try {
    console.log('\nKV v2 on SQLite (non-root token, 20-rule policy, file audit device on), against the bare node:http ceiling');
    console.log(`(same body size, same load, measured in ${PAIRS} alternating pairs):`);
    const sqlite = await benchStorage('sqlite', dirs);
    const all: StorageFigures[] = [sqlite];
    console.log(`\nKV v2 on PostgreSQL (same load, against the ceiling in ${PAIRS} alternating pairs of its own):`);
    try {
      all.push(await benchStorage('postgres', dirs));
      const feed = await measureNotifyLatency(POSTGRES_URL);
      console.log(
        `  change feed: another node hears a write ${feed.p50Ms.toFixed(2)} ms (p50) / ${feed.p99Ms.toFixed(2)} ms (p99) / ` +
          `${feed.maxMs.toFixed(2)} ms (max) after it was acknowledged (${feed.writes} writes, one at a time)`,
      );
    } catch (err) {
      console.log(`  postgres: skipped (${err instanceof Error ? err.message : String(err)})`);
    }
    console.log('\nRead targets:');
    for (const figures of all) printReadTargets(figures);
    console.log(`\nLogins (SQLite, file audit device on, lockout disabled on each mount, ${LOGIN_CONCURRENCY} in flight):`);
    await benchLogins(tempDir(dirs), { warmupMs: WARMUP_MS, durationMs: DURATION_MS });
    console.log('\nToken leases (SQLite):');
    await benchLeases(dirs);
    await benchReap(dirs);
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nLoad average at end: ${loadavg().map((n) => n.toFixed(1)).join(' ')}`);
  console.log(`server bench done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runServerBench().catch((err: unknown) => {
    console.error('server bench failed:', err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
