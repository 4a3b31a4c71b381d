// bench — the expiry reaper's rate on its own, in process, in about a minute:
// `node dist/bench/reap-bench.js` after `npm run build`. Starts a node on a fresh SQLite
// file (synchronous=FULL, WAL) with a FakeClock and its background reaper stopped, bulk
// loads ARCA_REAP_TOKENS orphan tokens (default 20,000) with a 60 s TTL, moves the clock
// 120 s on and times `core.leases.reapExpired(1000)` in a loop until nothing is due;
// prints tokens revoked per second. ARCA_REAP_STORAGE=postgres runs it on PostgreSQL
// (ARCA_BENCH_POSTGRES_URL, a fresh table dropped afterwards); ARCA_REAP_PROFILE=<file>
// writes a CPU profile of the reaping alone (not the load). Not a test: it measures.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import pg from 'pg';
import { startServer } from '../src/main/start-server.js';
import { buildConfig } from '../src/config/server-config.js';
import { FakeClock } from '../src/lib/clock.js';
import { bulkLoadTokens } from './bulk-token-loader.js';

const TOKENS = Number(process.env['ARCA_REAP_TOKENS'] ?? 20_000);
const STORAGE = process.env['ARCA_REAP_STORAGE'] === 'postgres' ? 'postgres' : 'sqlite';
const POSTGRES_URL = process.env['ARCA_BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const PROFILE = process.env['ARCA_REAP_PROFILE'];
const TTL_SECONDS = 60;
const PASS_LIMIT = 1000;
const BUDGET_MS = 120_000;

async function startProfile(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return session;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(`${tmpdir()}/arca-reap-`);
  const table = `arca_reap_${process.pid}_${Date.now()}`;
  const storage = STORAGE === 'postgres' ? { type: 'postgres', connection_url: POSTGRES_URL, table } : { type: 'sqlite' };
  const env = { ARCA_DATA_DIR: dir };
  const clock = new FakeClock(Date.now());
  const server = await startServer({ listenAddress: '127.0.0.1:0', logLevel: 'silent', cwd: dir, env, config: buildConfig({ storage }, env, dir), clock });
  try {
    server.core.leases.stop();
    console.log(`Arca reaper bench — node ${process.version}, ${STORAGE}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const loadStarted = performance.now();
    const loaded = await bulkLoadTokens(server.core, clock, { count: TOKENS, ttlSeconds: TTL_SECONDS, batch: 10_000, budgetMs: BUDGET_MS });
    console.log(`  loaded ${loaded.toLocaleString('en-US')} tokens (ttl ${TTL_SECONDS} s) in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
    clock.advance((TTL_SECONDS + 60) * 1000);
    const profile = PROFILE === undefined ? undefined : await startProfile();
    const started = performance.now();
    const deadline = started + BUDGET_MS;
    let reaped = 0;
    let passes = 0;
    while (performance.now() < deadline) {
      const done = await server.core.leases.reapExpired(PASS_LIMIT);
      if (done === 0) break;
      reaped += done;
      passes++;
    }
    const seconds = (performance.now() - started) / 1000;
    if (profile && PROFILE !== undefined) {
      const { profile: data } = await profile.post('Profiler.stop');
      writeFileSync(PROFILE, JSON.stringify(data));
      profile.disconnect();
    }
    const rate = Math.round(reaped / seconds).toLocaleString('en-US');
    console.log(`  reaped ${reaped.toLocaleString('en-US')} of ${loaded.toLocaleString('en-US')} in ${seconds.toFixed(2)} s: ${rate} tokens/s (${passes} passes of reapExpired(${PASS_LIMIT}))`);
    const left = (await server.core.barrier.scan('sys/token/id/')).length;
    console.log(`  token entries left: ${left}; load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    if (STORAGE === 'postgres') {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP TABLE IF EXISTS ${table}`);
      await client.end();
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
