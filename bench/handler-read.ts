// bench — the KV read of the main bench without HTTP or a load generator: the server's own
// request handler (parse → core → render, the file audit device on unless
// ARCA_BENCH_AUDIT=off) driven in-process with 64 requests in flight, on SQLite. Prints µs of
// this process's CPU per request, the figure that bounds req/s once the listener and the
// client are taken out; on a shared machine it moves far less than req/s does.
// `node dist/bench/handler-read.js` (ARCA_BENCH_SECONDS to lengthen; --cpu-prof to profile).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startServer } from '../src/main/start-server.js';
import { buildConfig } from '../src/config/server-config.js';
import type { HttpInput } from '../src/http/http-exchange.js';
import { setupArca } from './arca-setup.js';

const seconds = Number(process.env['ARCA_BENCH_SECONDS'] ?? 5);
const concurrency = 64;

async function main(): Promise<void> {
  const dir = mkdtempSync(`${tmpdir()}/arca-bench-`);
  const env = { ARCA_DATA_DIR: dir };
  const server = await startServer({ listenAddress: '127.0.0.1:0', logLevel: 'silent', cwd: dir, env, config: buildConfig({ storage: { type: 'sqlite' } }, env, dir) });
  try {
    const fixture = await setupArca(server.address, server.rootToken, dir);
    const audit = process.env['ARCA_BENCH_AUDIT'] !== 'off';
    if (!audit) await fetch(`${server.address}/v1/sys/audit/file`, { method: 'DELETE', headers: { 'X-Vault-Token': server.rootToken } });
    const input: HttpInput = { method: 'GET', url: fixture.readPath, headers: { 'x-vault-token': fixture.token }, body: new Uint8Array(0), remoteAddress: '127.0.0.1' };
    const run = async (ms: number): Promise<{ requests: number; cpuUs: number; wallMs: number }> => {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const end = t0 + ms;
      let requests = 0;
      let failed = 0;
      const loop = async (): Promise<void> => {
        while (performance.now() < end) {
          const out = await server.handler(input);
          if (out.status !== 200) failed++;
          requests++;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, loop));
      if (failed > 0) throw new Error(`${failed} requests failed`);
      const cpu = process.cpuUsage(cpu0);
      return { requests, cpuUs: cpu.user + cpu.system, wallMs: performance.now() - t0 };
    };
    await run(1000);
    const r = await run(seconds * 1000);
    const rps = (r.requests / r.wallMs) * 1000;
    console.log(`  handler KV v2 read  ${Math.round(rps).toLocaleString('en-US')}/s in-process, ${(r.cpuUs / r.requests).toFixed(1)} µs CPU/req (all threads) [sqlite, audit ${audit ? 'on' : 'off'}]`);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
