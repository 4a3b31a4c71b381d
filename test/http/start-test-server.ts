// Test support: an in-process server on a free port with its own world (temp data dir).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../src/main/start-server.js';
import type { RunningServer, StartServerOptions } from '../../src/main/start-server.js';
import { ArcaClient } from '../../src/client/arca-client.js';

export interface TestServer {
  readonly server: RunningServer;
  readonly client: ArcaClient;
  readonly dataDir: string;
  close(): Promise<void>;
}

export async function startTestServer(options: StartServerOptions & { env?: Record<string, string> } = { dev: true }): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'arca-http-'));
  const server = await startServer({
    listenAddress: '127.0.0.1:0',
    logLevel: 'silent',
    cwd: dataDir,
    ...options,
    env: { ARCA_DATA_DIR: dataDir, ...(options.env ?? {}) },
  });
  const client = new ArcaClient({ address: server.address, token: server.rootToken });
  return {
    server,
    client,
    dataDir,
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
