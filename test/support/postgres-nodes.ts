// Test support: several server nodes sharing one PostgreSQL table (a unique table per call,
// dropped on close) and one data dir, so the second node unseals from the first node's key
// file. Each node listens on its own free port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildConfig } from '../../src/config/server-config.js';
import { startServer } from '../../src/main/start-server.js';
import type { RunningServer } from '../../src/main/start-server.js';
import { POSTGRES_URL } from './services.js';

export interface PostgresNodes {
  readonly nodes: readonly RunningServer[];
  close(): Promise<void>;
}

export async function startPostgresNodes(count: number): Promise<PostgresNodes> {
  const dir = mkdtempSync(join(tmpdir(), 'arca-nodes-'));
  const table = `arca_nodes_${randomBytes(6).toString('hex')}`;
  const config = buildConfig({ storage: { type: 'postgres', connection_url: POSTGRES_URL, table } }, { ARCA_DATA_DIR: dir }, dir);
  const nodes: RunningServer[] = [];
  const close = async (): Promise<void> => {
    for (const n of nodes) await n.close().catch(() => undefined);
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) nodes.push(await startServer({ config, listenAddress: '127.0.0.1:0', logLevel: 'silent' }));
  } catch (err) {
    await close();
    throw err;
  }
  return { nodes, close };
}
