// bench — a short SQLite KV read run (the hot path of the full bench) for profiling changes:
// `node dist/bench/quick-read.js` (ARCA_BENCH_AUDIT=off to measure without the audit
// device, ARCA_BENCH_SECONDS to lengthen). Prints the ceiling and the Arca read in one run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { HostHandle } from './host-handle.js';
import { loadInChild } from './load-child.js';
import { setupArca } from './arca-setup.js';
import { benchFormat as f } from './bench-format.js';

const seconds = Number(process.env['ARCA_BENCH_SECONDS'] ?? 5);

async function main(): Promise<void> {
  const dir = mkdtempSync(`${tmpdir()}/arca-bench-`);
  try {
    const host = await HostHandle.start({ mode: 'arca', dataDir: dir, storage: 'sqlite' });
    let bodyBytes = 0;
    try {
      const fixture = await setupArca(host.address, host.rootToken, dir);
      bodyBytes = fixture.readBodyBytes;
      const audit = process.env['ARCA_BENCH_AUDIT'] !== 'off';
      if (!audit) await fetch(`${host.address}/v1/sys/audit/file`, { method: 'DELETE', headers: { 'X-Vault-Token': host.rootToken } });
      const read = await loadInChild({ baseUrl: host.address, kind: 'get', path: fixture.readPath, token: fixture.token, concurrency: 64, warmupMs: 1000, durationMs: seconds * 1000, valueBytes: 0 });
      console.log(`  ${f.load(`KV v2 read, sqlite, audit ${audit ? 'on' : 'off'}`, read)}`);
    } finally {
      await host.close();
    }
    const ceiling = await HostHandle.start({ mode: 'ceiling', bodyBytes });
    try {
      const result = await loadInChild({ baseUrl: ceiling.address, kind: 'get', path: '/', token: '', concurrency: 64, warmupMs: 1000, durationMs: seconds * 1000, valueBytes: 0 });
      console.log(`  ${f.load(`ceiling (node:http, ${bodyBytes} B)`, result)}`);
    } finally {
      await ceiling.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
