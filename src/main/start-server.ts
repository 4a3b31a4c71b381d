// src/main — composition root of the server: opens storage, builds the barrier, core,
// seal controller and HTTP listener, registers the built-in backends, and brings the node
// to a usable state:
//   dev mode        in-memory, initialised and unsealed, root token chosen or random;
//   key-file seal   first start initialises and writes <data>/root-token (0600), later
//                   starts unseal from the key file;
//   shamir seal     waits for `arca operator init` / `arca operator unseal`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { createLogger } from '../lib/logger.js';
import type { Logger, LogLevel } from '../lib/logger.js';
import { systemClock } from '../lib/clock.js';
import type { Clock } from '../lib/clock.js';
import { buildConfig, loadServerConfig } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { openPhysical } from '../storage/open-physical.js';
import type { Physical } from '../storage/storage.js';
import { SecurityBarrier } from '../barrier/security-barrier.js';
import { DEFAULT_READ_CACHE } from '../barrier/barrier-read-cache.js';
import { auditOnWorker } from '../audit/audit-worker-policy.js';
import { Core } from '../core/core.js';
import { SealController } from '../core/seal-controller.js';
import { SealManager } from '../core/seal/seal-manager.js';
import { KeyFileSeal } from '../core/seal/key-file-seal.js';
import { BackendRegistry } from '../core/router/backend-registry.js';
import { newMountEntry } from '../core/router/mount-entry.js';
import type { MountEntry } from '../core/router/mount-entry.js';
import { createSystemBackend } from '../sys/system-backend.js';
import type { SystemContext } from '../sys/system-context.js';
import { createApiHandler } from '../http/api-handler.js';
import type { ApiHandler } from '../http/api-handler.js';
import { startHttpServer } from '../http/http-server.js';
import type { RunningHttpServer } from '../http/http-server.js';
import { registerBuiltinBackends } from './builtin-backends.js';
import { ServerMetrics } from './server-metrics.js';
import { devTlsMaterial } from './dev-tls.js';

export const VERSION = '0.1.0';

export interface StartServerOptions {
  readonly dev?: boolean;
  readonly devRootTokenId?: string;
  readonly devListenAddress?: string;
  readonly devTls?: boolean;
  /** Overrides config and environment (e.g. "127.0.0.1:0" in tests). */
  readonly listenAddress?: string;
  readonly logLevel?: LogLevel;
  readonly configFile?: string;
  /** A ready configuration (tests); otherwise loaded from configFile + env. */
  readonly config?: ServerConfig;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly clock?: Clock;
  readonly logDestination?: NodeJS.WritableStream;
}

export interface RunningServer {
  /** Base URL, e.g. "http://127.0.0.1:8200". */
  readonly address: string;
  /** The root token when this start created or was given one ('' otherwise). */
  readonly rootToken: string;
  /** Where the initial root token was written (key-file seal, first start). */
  readonly rootTokenFile: string | undefined;
  readonly config: ServerConfig;
  readonly core: Core;
  readonly seal: SealController;
  readonly handler: ApiHandler;
  readonly logger: Logger;
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const config = options.config ?? (options.dev ? devConfig(options, env, cwd) : loadServerConfig({ file: options.configFile, env, cwd }));
  const logger = createLogger(options.logLevel ?? config.logLevel, options.logDestination);
  const clock = options.clock ?? systemClock;
  if (config.storage.type === 'sqlite' || config.seal.type === 'keyfile') mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });

  const physical = await openPhysical(
    config.storage.type === 'postgres'
      ? { type: 'postgres', connectionString: config.storage.connectionUrl, ...(config.storage.table ? { table: config.storage.table } : {}) }
      : config.storage,
  );
  const barrier = new SecurityBarrier(physical, {
    clock,
    readCache: config.cacheSize === 0 ? false : { ...DEFAULT_READ_CACHE, maxEntries: config.cacheSize },
  });
  const registry = new BackendRegistry();
  // Filled in below; the system backend and metrics read them lazily.
  const late: { core?: Core; seal?: SealController; http?: RunningHttpServer } = {};
  const metrics = new ServerMetrics(() => late.core);
  // Read lazily: the system backend is built inside the Core constructor, before `core` and
  // `seal` are assigned.
  const ctx = (): SystemContext => ({
    get core() {
      return late.core as Core;
    },
    get seal() {
      return late.seal as SealController;
    },
    version: VERSION,
    metricsText: () => metrics.text(),
    clusterId,
    clusterName: 'arca-cluster',
    apiAddress: () => late.http?.url ?? '',
  });
  const clusterId = randomUUID();
  const core = new Core({
    physical,
    barrier,
    registry,
    clock,
    logger,
    defaults: { defaultLeaseTtl: config.defaultLeaseTtl, maxLeaseTtl: config.maxLeaseTtl },
    reapIntervalMs: config.reapIntervalMs,
    builtinMounts: () => builtinMounts(options.dev === true || config.seal.type === 'keyfile'),
    systemBackend: createSystemBackend(ctx),
    metrics,
    auditWorker: auditOnWorker(config.auditWorker),
  });
  late.core = core;
  registerBuiltinBackends(registry, () => core);

  const keyFile = config.seal.type === 'keyfile' && !options.dev ? await KeyFileSeal.openOrCreate(config.seal.path) : undefined;
  const manager = new SealManager({ barrier, ...(keyFile ? { keyFile } : {}), version: VERSION });
  const seal = new SealController(core, manager, { autoUnseal: options.dev === true || keyFile !== undefined });

  late.seal = seal;
  let rootToken = '';
  let rootTokenFile: string | undefined;
  try {
    if (options.dev) {
      rootToken = (await seal.initialize({ secret_shares: 1, secret_threshold: 1 }, options.devRootTokenId ?? randomToken())).root_token;
    } else if (keyFile) {
      if (!(await barrier.isInitialized())) {
        rootToken = (await seal.initialize({ secret_shares: 1, secret_threshold: 1 })).root_token;
        rootTokenFile = join(config.dataDir, 'root-token');
        writeFileSync(rootTokenFile, `${rootToken}\n`, { mode: 0o600 });
      } else {
        await seal.unsealFromKeyFile();
      }
    }
    if (!core.sealed) await enableConfiguredAudit(core, config);

    const tls = options.devTls
      ? await devTlsMaterial(config.dataDir)
      : config.listener.tlsCertFile && config.listener.tlsKeyFile
        ? {
            cert: readFileSync(config.listener.tlsCertFile),
            key: readFileSync(config.listener.tlsKeyFile),
            ...(config.listener.tlsClientCaFile ? { clientCa: readFileSync(config.listener.tlsClientCaFile) } : {}),
          }
        : undefined;
    const handler = createApiHandler(core, logger, metrics);
    const http = await startHttpServer({
      address: options.listenAddress ?? config.listener.address,
      tls,
      maxRequestSize: config.listener.maxRequestSize,
      handler,
      logger,
    });
    late.http = http;
    return {
      address: http.url,
      rootToken,
      rootTokenFile,
      config,
      core,
      seal,
      handler,
      logger,
      close: async () => {
        await http.close();
        await core.preSeal().catch(() => undefined);
        await physical.close();
      },
    };
  } catch (err) {
    await core.preSeal().catch(() => undefined);
    await physical.close().catch(() => undefined);
    throw err;
  }
}

function devConfig(options: StartServerOptions, env: Readonly<Record<string, string | undefined>>, cwd: string): ServerConfig {
  const base = buildConfig({ storage: { type: 'inmem' }, seal: { type: 'shamir' } }, { ARCA_LOG_LEVEL: env['ARCA_LOG_LEVEL'] }, cwd);
  return { ...base, listener: { ...base.listener, address: options.devListenAddress ?? '127.0.0.1:8200' } };
}

function builtinMounts(withSecret: boolean): MountEntry[] {
  const mounts = [
    newMountEntry({ table: 'mounts', path: 'sys', type: 'system', description: 'system endpoints used for control, policy and debugging', builtin: true }),
    newMountEntry({ table: 'mounts', path: 'cubbyhole', type: 'cubbyhole', description: 'per-token private secret storage', builtin: true }),
    newMountEntry({ table: 'mounts', path: 'identity', type: 'identity', description: 'identity store: entities, aliases, groups, MFA, temporary access', builtin: true }),
    newMountEntry({ table: 'auth', path: 'token', type: 'token', description: 'token based credentials', builtin: true }),
  ];
  if (withSecret) mounts.push(newMountEntry({ table: 'mounts', path: 'secret', type: 'kv', description: 'key/value secret storage', options: { version: '2' } }));
  return mounts;
}

/** Audit devices named in the config file are enabled at start if not already enabled. */
async function enableConfiguredAudit(core: Core, config: ServerConfig): Promise<void> {
  const enabled = core.audit.list();
  for (const device of config.audit) {
    if (enabled[device.path]) continue;
    await core.auditTable.enable({ path: device.path, type: device.type, description: 'from the config file', options: device.options, local: false });
  }
}

function randomToken(): string {
  return `hvs.${randomBytes(18).toString('base64url')}`;
}

export type { Physical };
