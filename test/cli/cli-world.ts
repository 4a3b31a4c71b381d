// test/cli — one end-to-end world for CLI tests: a real server started in-process
// (startServer, dev mode unless a config is given), a temp HOME for the token helper, and
// `run(argv)` which dispatches through the real command table with a captured IO.
import fs from 'node:fs';
import os from 'node:os';
import { cliCommands } from '../../src/cli/cli-commands.js';
import { runCli } from '../../src/cli/run-cli.js';
import type { ServerConfig } from '../../src/config/server-config.js';
import { startServer } from '../../src/main/start-server.js';
import { captureIo } from './capture-io.js';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export interface RunOptions {
  readonly stdin?: string;
  readonly env?: Record<string, string | undefined>;
}

export interface CliWorld {
  readonly address: string;
  readonly rootToken: string;
  readonly home: string;
  run(argv: string[], options?: RunOptions): Promise<CliResult>;
  close(): Promise<void>;
}

export async function startCliWorld(options: { config?: (dir: string) => ServerConfig } = {}): Promise<CliWorld> {
  const home = fs.mkdtempSync(os.tmpdir() + '/arca-');
  const server = options.config
    ? await startServer({ config: options.config(home), listenAddress: '127.0.0.1:0', logLevel: 'silent' })
    : await startServer({ dev: true, devRootTokenId: 'root-e2e', listenAddress: '127.0.0.1:0', logLevel: 'silent' });
  const baseEnv = { HOME: home, ARCA_ADDR: server.address, ...(server.rootToken !== '' ? { ARCA_TOKEN: server.rootToken } : {}) };
  return {
    address: server.address,
    rootToken: server.rootToken,
    home,
    async run(argv, runOptions = {}) {
      const c = captureIo({ env: { ...baseEnv, ...runOptions.env }, cwd: home, ...(runOptions.stdin !== undefined ? { stdin: runOptions.stdin } : {}) });
      const code = await runCli(argv, c.io, cliCommands);
      return { code, out: c.stdout(), err: c.stderr() };
    },
    async close() {
      await server.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Asserts exit 0 and returns stdout, with stderr in the failure message. */
export function ok(r: CliResult): string {
  if (r.code !== 0) throw new Error(`expected exit 0, got ${r.code}\nstdout: ${r.out}\nstderr: ${r.err}`);
  return r.out;
}
