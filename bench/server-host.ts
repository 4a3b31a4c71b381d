// bench — a server under test in its own process (forked by server-bench.ts), so its RSS
// and event loop are its own. Starts either Arca (startServer, key-file seal, SQLite or
// PostgreSQL) or the `ceiling`, a bare node:http server answering a fixed JSON body. Once
// `GET /v1/sys/health` answers 200 it replies `ready` with the time since this process
// started; then serves HostCommands over IPC (RSS, bulk token minting through the public
// TokenStore or the bulk loader, lease reaping through the LeaseManager, close).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer } from '../src/main/start-server.js';
import type { RunningServer } from '../src/main/start-server.js';
import { buildConfig } from '../src/config/server-config.js';
import { FakeClock, systemClock } from '../src/lib/clock.js';
import type { Clock } from '../src/lib/clock.js';
import { bulkLoadTokens } from './bulk-token-loader.js';
import type { HostCommand, HostReply, HostSpec } from './bench-protocol.js';

type ArcaSpec = Extract<HostSpec, { mode: 'arca' }>;

function reply(message: HostReply): void {
  process.send?.(message);
}

async function startCeiling(bodyBytes: number): Promise<{ address: string; close: () => Promise<void> }> {
  const head = '{"data":"';
  const body = head + 'x'.repeat(Math.max(0, bodyBytes - head.length - 2)) + '"}';
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { address: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function startArca(spec: ArcaSpec, clock: FakeClock | undefined): Promise<RunningServer> {
  const env = { ARCA_DATA_DIR: spec.dataDir };
  const storage =
    spec.storage === 'postgres'
      ? { type: 'postgres', connection_url: spec.postgresUrl, ...(spec.postgresTable ? { table: spec.postgresTable } : {}) }
      : { type: 'sqlite' };
  const config = buildConfig({ storage }, env, spec.dataDir);
  return startServer({ listenAddress: '127.0.0.1:0', logLevel: 'silent', cwd: spec.dataDir, env, config, ...(clock ? { clock } : {}) });
}

/** Mints orphan service tokens with a TTL (each one a live entry in the expiry index) until `count` or the time budget. */
async function mint(server: RunningServer, clock: Clock, command: Extract<HostCommand, { cmd: 'mint' }>): Promise<HostReply> {
  const started = performance.now();
  if (command.method === 'bulk') {
    const count = await bulkLoadTokens(server.core, clock, { count: command.count, ttlSeconds: command.ttlSeconds, batch: command.batch, budgetMs: command.budgetMs });
    return { type: 'minted', count, seconds: (performance.now() - started) / 1000 };
  }
  const root = await server.core.tokens.lookup(server.rootToken);
  if (!root) return { type: 'error', message: 'root token not found (mint needs the first start)' };
  const deadline = started + command.budgetMs;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < command.count && performance.now() < deadline) {
      next++;
      await server.core.tokens.create({ policies: ['bench'], ttl: command.ttlSeconds, orphan: true }, root);
    }
  };
  await Promise.all(Array.from({ length: command.concurrency }, worker));
  return { type: 'minted', count: next, seconds: (performance.now() - started) / 1000 };
}

async function reap(server: RunningServer, clock: FakeClock | undefined, command: Extract<HostCommand, { cmd: 'reap' }>): Promise<HostReply> {
  if (!clock) return { type: 'error', message: 'reap needs a host started with fakeClock' };
  server.core.leases.stop();
  clock.advance(command.advanceMs);
  const started = performance.now();
  const deadline = started + command.budgetMs;
  let count = 0;
  while (performance.now() < deadline) {
    const done = await server.core.leases.reapExpired(command.batch);
    if (done === 0) break;
    count += done;
  }
  return { type: 'reaped', count, seconds: (performance.now() - started) / 1000 };
}

async function main(spec: HostSpec): Promise<void> {
  const clock = spec.mode === 'arca' && spec.fakeClock ? new FakeClock(Date.now()) : undefined;
  const ceiling = spec.mode === 'ceiling' ? await startCeiling(spec.bodyBytes) : undefined;
  const arca = spec.mode === 'arca' ? await startArca(spec, clock) : undefined;
  const address = ceiling?.address ?? arca?.address ?? '';
  if (arca) {
    const health = await fetch(`${address}/v1/sys/health`);
    await health.arrayBuffer();
    if (health.status !== 200) throw new Error(`sys/health answered ${health.status}`);
  }
  reply({ type: 'ready', address, rootToken: arca?.rootToken ?? '', sinceProcessStartMs: performance.now(), rss: process.memoryUsage().rss });

  process.on('message', (command: HostCommand) => {
    const run = async (): Promise<HostReply> => {
      switch (command.cmd) {
        case 'rss':
          return { type: 'rss', rss: process.memoryUsage().rss };
        case 'mint':
          return arca ? mint(arca, clock ?? systemClock, command) : { type: 'error', message: 'not an Arca host' };
        case 'reap':
          return arca ? reap(arca, clock, command) : { type: 'error', message: 'not an Arca host' };
        case 'close':
          await (arca ?? ceiling)?.close();
          return { type: 'closed' };
      }
    };
    run().then(
      (message) => process.send?.(message, () => (message.type === 'closed' ? process.exit(0) : undefined)),
      (err: unknown) => reply({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
  });
}

process.once('message', (spec: HostSpec) => {
  main(spec).catch((err: unknown) => {
    reply({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  });
});
