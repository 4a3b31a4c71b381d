// test/robustness — the server process the crash-safety test starts and SIGKILLs. Run as
// `crash-child <data-dir>`: starts Arca on SQLite with the key-file seal in that directory
// (first start initialises and writes <dir>/root-token, later starts auto-unseal) on a free
// port, then prints one JSON line {"address","rootToken"} on stdout and serves until killed.
// rootToken is read back from the root-token file on later starts, so every start prints it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../../src/main/start-server.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: crash-child <data-dir>\n');
  process.exit(2);
}
const server = await startServer({ listenAddress: '127.0.0.1:0', logLevel: 'error', cwd: dir, env: { ARCA_DATA_DIR: dir } });
const rootToken = server.rootToken || readFileSync(join(dir, 'root-token'), 'utf8').trim();
process.stdout.write(`${JSON.stringify({ address: server.address, rootToken })}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
