// src/main — `arca server`: starts the server in the foreground until SIGINT/SIGTERM.
// With no flags: 127.0.0.1:8200, SQLite in ./arca-data (or ARCA_DATA_DIR), key-file
// auto-unseal, initial root token in <data dir>/root-token. `-dev` runs in memory like
// `vault server -dev`.
import type { Command, CliIo } from '../cli/command.js';
import { parseFlags } from '../cli/flags.js';
import { startServer } from './start-server.js';
import type { RunningServer } from './start-server.js';
import type { LogLevel } from '../lib/logger.js';

const flagSpecs = {
  config: { kind: 'string' },
  dev: { kind: 'bool' },
  'dev-root-token-id': { kind: 'string' },
  'dev-listen-address': { kind: 'string' },
  'dev-tls': { kind: 'bool' },
  'log-level': { kind: 'string' },
} as const;

export const serverCommand: Command = {
  words: ['server'],
  summary: 'Start an Arca server',
  usage: `Usage: arca server [options]

  Starts the server in the foreground. With no options it listens on 127.0.0.1:8200,
  stores data in ./arca-data (ARCA_DATA_DIR), unseals itself from a key file, and on the
  first start writes the initial root token to <data dir>/root-token.

  -config=FILE               JSON or YAML config file
  -dev                       in-memory dev server: unsealed, KV v2 at secret/
  -dev-root-token-id=ID      root token of the dev server (random if not given)
  -dev-listen-address=ADDR   address of the dev server (default 127.0.0.1:8200)
  -dev-tls                   serve HTTPS with a fresh self-signed certificate
  -log-level=LEVEL           trace, debug, info, warn, error`,
  async run(args, io) {
    const { flags } = parseFlags(args, flagSpecs);
    const server = await startServer({
      dev: flags.dev === true,
      ...(flags['dev-root-token-id'] !== undefined ? { devRootTokenId: flags['dev-root-token-id'] } : {}),
      ...(flags['dev-listen-address'] !== undefined ? { devListenAddress: flags['dev-listen-address'] } : {}),
      devTls: flags['dev-tls'] === true,
      ...(flags.config !== undefined ? { configFile: flags.config } : {}),
      ...(flags['log-level'] !== undefined ? { logLevel: flags['log-level'] as LogLevel } : {}),
      env: io.env,
      cwd: io.cwd,
    });
    printBanner(server, io, flags.dev === true);
    await waitForSignal();
    io.stderr.write('==> Arca server shutting down\n');
    await server.close();
    return 0;
  },
};

function printBanner(server: RunningServer, io: CliIo, dev: boolean): void {
  const c = server.config;
  const storage = dev ? 'inmem' : c.storage.type === 'sqlite' ? `sqlite (${c.storage.path})` : c.storage.type;
  const lines = [
    '==> Arca server started',
    `             Address: ${server.address}`,
    `             Storage: ${storage}`,
    `                Seal: ${dev ? 'dev (in memory)' : c.seal.type === 'keyfile' ? `key file (${c.seal.path})` : 'shamir'}`,
    `              Sealed: ${server.core.sealed}`,
    '',
  ];
  if (dev) {
    lines.push('WARNING: dev mode keeps everything in memory and is not for production.', '', `Root Token: ${server.rootToken}`, '');
    lines.push(`    export ARCA_ADDR='${server.address}'`, `    export ARCA_TOKEN='${server.rootToken}'`, '');
  } else if (server.rootTokenFile) {
    lines.push(
      `Initialised. The initial root token is in ${server.rootTokenFile} (mode 0600).`,
      'Use it to log in, create less privileged tokens and policies, then revoke it:',
      '',
      `    export ARCA_ADDR='${server.address}'`,
      `    export ARCA_TOKEN="$(cat ${server.rootTokenFile})"`,
      '    arca status',
      '',
    );
  } else if (server.core.sealed) {
    lines.push('The server is sealed. Initialise it with `arca operator init` or unseal it with `arca operator unseal`.', '');
  } else {
    lines.push(`Unsealed from the key file. export ARCA_ADDR='${server.address}'`, '');
  }
  io.stdout.write(lines.join('\n') + '\n');
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
