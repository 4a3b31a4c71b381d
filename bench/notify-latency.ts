// bench — how soon a write on one PostgreSQL node reaches another node's read cache: two
// PostgresPhysical instances on one table (as two servers would have), one watching the key
// change feed, the other writing keys one at a time. The delay is counted from the moment the
// writer's put resolved (what a client sees as "written") to the moment the other node's
// watcher heard the key; a notification that arrived first counts as 0. This bounds how long
// another node can serve a cached entry after a write or revocation was acknowledged.
import { PostgresPhysical } from '../src/storage/postgres/postgres-physical.js';
import { dropTable } from './drop-table.js';

export interface NotifyLatency {
  readonly writes: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export async function measureNotifyLatency(connectionString: string, writes = 500): Promise<NotifyLatency> {
  const table = `arca_notify_${process.pid}_${Date.now()}`;
  const reader = await PostgresPhysical.open({ connectionString, table });
  const writer = await PostgresPhysical.open({ connectionString, table });
  const heard = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  try {
    await reader.watchKeys({
      changed: (key) => {
        const at = performance.now();
        const wake = waiting.get(key);
        if (wake === undefined) heard.set(key, at);
        else wake(at);
      },
      live: () => undefined,
    });
    const delays: number[] = [];
    for (let i = 0; i < writes; i++) {
      const key = `bench/notify/${i}`;
      await writer.put(key, Buffer.from('x'));
      const acknowledged = performance.now();
      const early = heard.get(key);
      const at = early ?? (await new Promise<number>((resolve) => waiting.set(key, resolve)));
      waiting.delete(key);
      delays.push(Math.max(0, at - acknowledged));
    }
    delays.sort((a, b) => a - b);
    const pick = (q: number): number => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] ?? 0;
    return { writes, p50Ms: pick(0.5), p99Ms: pick(0.99), maxMs: delays[delays.length - 1] ?? 0 };
  } finally {
    await Promise.all([reader.close(), writer.close()]);
    await dropTable(connectionString, table);
  }
}
