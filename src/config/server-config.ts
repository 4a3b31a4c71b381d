// src/config — the server's configuration: defaults, then a config file (JSON or YAML),
// then environment variables, then command-line flags (applied by the caller). Every key is
// validated here; an unknown key is an error naming it, so a typo never silently falls back
// to a default.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ArcaError } from '../lib/errors.js';
import { parseDuration } from '../lib/duration.js';
import type { LogLevel } from '../lib/logger.js';

export type StorageConfig =
  | { readonly type: 'inmem' }
  | { readonly type: 'sqlite'; readonly path: string }
  | { readonly type: 'postgres'; readonly connectionUrl: string; readonly table?: string };

export type SealConfig = { readonly type: 'keyfile'; readonly path: string } | { readonly type: 'shamir' };

export interface ListenerConfig {
  readonly address: string;
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
  readonly tlsClientCaFile?: string;
  readonly tlsDisable: boolean;
  readonly maxRequestSize: number;
}

/** The audit device types a config file may name (those `sys/audit/:path` enables). */
const AUDIT_TYPES = ['file', 'socket', 'syslog'] as const;

export interface AuditDeviceConfig {
  readonly type: (typeof AUDIT_TYPES)[number];
  readonly path: string;
  readonly options: Readonly<Record<string, string>>;
}

export interface ServerConfig {
  readonly dataDir: string;
  readonly listener: ListenerConfig;
  readonly storage: StorageConfig;
  readonly seal: SealConfig;
  readonly audit: readonly AuditDeviceConfig[];
  readonly logLevel: LogLevel;
  /** Seconds. */
  readonly defaultLeaseTtl: number;
  readonly maxLeaseTtl: number;
  /** Milliseconds between runs of the lease reaper. */
  readonly reapIntervalMs: number;
  /**
   * Entries kept in the barrier's read cache (Vault's `cache_size`); 0 when the cache is
   * off (`disable_cache`). On PostgreSQL the cache follows other nodes' writes through
   * LISTEN/NOTIFY (see barrier-read-cache.ts).
   */
  readonly cacheSize: number;
  /**
   * Whether audit devices make their lines on a worker thread: 'auto' uses one only with
   * cores to spare (see src/audit/audit-worker-policy.ts).
   */
  readonly auditWorker: 'auto' | 'on' | 'off';
}

/** Default read-cache size in entries (Vault's default is 131072; Arca also bounds bytes). */
export const DEFAULT_CACHE_SIZE = 32_768;
const MAX_CACHE_SIZE = 10_000_000;

export const DEFAULT_MAX_REQUEST_SIZE = 32 * 1024 * 1024;
const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'silent'];

type Raw = Record<string, unknown>;

/** Builds the configuration from an optional file and the environment. */
export function loadServerConfig(options: { file?: string | undefined; env: Readonly<Record<string, string | undefined>>; cwd: string }): ServerConfig {
  const raw: Raw = options.file ? readConfigFile(resolve(options.cwd, options.file)) : {};
  return buildConfig(raw, options.env, options.cwd);
}

export function readConfigFile(path: string): Raw {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ArcaError('invalid_request', `cannot read config file ${path}`);
  }
  let parsed: unknown;
  try {
    parsed = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    // Only a position: a parser's message may quote the file (a connection URL's password).
    throw new ArcaError('invalid_request', `config file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}${parsePosition(err)}`);
  }
  if (parsed === null || parsed === undefined) return {};
  return asObject(parsed, 'config');
}

export function buildConfig(raw: Raw, env: Readonly<Record<string, string | undefined>>, cwd: string): ServerConfig {
  checkKeys(raw, 'config', ['data_dir', 'listener', 'storage', 'seal', 'audit', 'log_level', 'default_lease_ttl', 'max_lease_ttl', 'reap_interval', 'cache_size', 'disable_cache', 'audit_worker']);
  const dataDir = resolve(cwd, env['ARCA_DATA_DIR'] ?? str(raw['data_dir'], 'data_dir') ?? 'arca-data');
  const listener = buildListener(raw['listener'], env);
  const storage = buildStorage(raw['storage'], env, dataDir);
  const seal = buildSeal(raw['seal'], env, dataDir);
  const audit = buildAudit(raw['audit']);
  const logLevel = (env['ARCA_LOG_LEVEL'] ?? str(raw['log_level'], 'log_level') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw configError(`log_level must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    dataDir,
    listener,
    storage,
    seal,
    audit,
    logLevel,
    defaultLeaseTtl: duration(raw['default_lease_ttl'], 'default_lease_ttl') ?? 768 * 3600,
    maxLeaseTtl: duration(raw['max_lease_ttl'], 'max_lease_ttl') ?? 768 * 3600,
    reapIntervalMs: (duration(raw['reap_interval'], 'reap_interval') ?? 5) * 1000,
    cacheSize: buildCacheSize(raw['cache_size'], bool(raw['disable_cache'], 'disable_cache') ?? false),
    auditWorker: buildAuditWorker(raw['audit_worker']),
  };
}

/** `audit_worker`: auto (the default), or a boolean (also as the strings "true"/"false"). */
function buildAuditWorker(value: unknown): 'auto' | 'on' | 'off' {
  if (value === undefined || value === 'auto') return 'auto';
  if (value === true || value === 'true') return 'on';
  if (value === false || value === 'false') return 'off';
  throw configError('audit_worker must be auto, true or false');
}

/** Vault writes `cache_size` as a number or a numeric string. */
function buildCacheSize(value: unknown, disabled: boolean): number {
  if (disabled) return 0;
  if (value === undefined) return DEFAULT_CACHE_SIZE;
  const size = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || size > MAX_CACHE_SIZE) {
    throw configError(`cache_size must be a whole number of entries from 0 to ${MAX_CACHE_SIZE}`);
  }
  return size;
}

function buildListener(value: unknown, env: Readonly<Record<string, string | undefined>>): ListenerConfig {
  const raw = value === undefined ? {} : asObject(value, 'listener');
  checkKeys(raw, 'listener', ['address', 'tls_cert_file', 'tls_key_file', 'tls_client_ca_file', 'tls_disable', 'max_request_size']);
  const cert = env['ARCA_TLS_CERT_FILE'] ?? str(raw['tls_cert_file'], 'listener.tls_cert_file');
  const key = env['ARCA_TLS_KEY_FILE'] ?? str(raw['tls_key_file'], 'listener.tls_key_file');
  const ca = str(raw['tls_client_ca_file'], 'listener.tls_client_ca_file');
  if ((cert === undefined) !== (key === undefined)) throw configError('listener needs both tls_cert_file and tls_key_file, or neither');
  const maxRequestSize = raw['max_request_size'] ?? env['ARCA_MAX_REQUEST_SIZE'] ?? DEFAULT_MAX_REQUEST_SIZE;
  const size = Number(maxRequestSize);
  if (!Number.isSafeInteger(size) || size < 1024) throw configError('listener.max_request_size must be a whole number of bytes, at least 1024');
  return {
    address: env['ARCA_LISTEN_ADDRESS'] ?? str(raw['address'], 'listener.address') ?? '127.0.0.1:8200',
    ...(cert !== undefined ? { tlsCertFile: cert } : {}),
    ...(key !== undefined ? { tlsKeyFile: key } : {}),
    ...(ca !== undefined ? { tlsClientCaFile: ca } : {}),
    tlsDisable: bool(raw['tls_disable'], 'listener.tls_disable') ?? cert === undefined,
    maxRequestSize: size,
  };
}

function buildStorage(value: unknown, env: Readonly<Record<string, string | undefined>>, dataDir: string): StorageConfig {
  const raw = value === undefined ? {} : asObject(value, 'storage');
  checkKeys(raw, 'storage', ['type', 'path', 'connection_url', 'table']);
  const type = env['ARCA_STORAGE'] ?? str(raw['type'], 'storage.type') ?? 'sqlite';
  switch (type) {
    case 'inmem':
      return { type };
    case 'sqlite':
      return { type, path: resolve(dataDir, str(raw['path'], 'storage.path') ?? 'arca.db') };
    case 'postgres': {
      const url = env['ARCA_POSTGRES_URL'] ?? str(raw['connection_url'], 'storage.connection_url');
      if (!url) throw configError('storage type postgres needs connection_url (or ARCA_POSTGRES_URL)');
      const table = str(raw['table'], 'storage.table');
      return { type, connectionUrl: url, ...(table !== undefined ? { table } : {}) };
    }
    default:
      throw configError(`storage.type must be sqlite, postgres or inmem, not ${JSON.stringify(type)}`);
  }
}

function buildSeal(value: unknown, env: Readonly<Record<string, string | undefined>>, dataDir: string): SealConfig {
  const raw = value === undefined ? {} : asObject(value, 'seal');
  checkKeys(raw, 'seal', ['type', 'path']);
  const type = env['ARCA_SEAL'] ?? str(raw['type'], 'seal.type') ?? 'keyfile';
  if (type === 'shamir') return { type };
  if (type === 'keyfile') return { type, path: resolve(dataDir, str(raw['path'], 'seal.path') ?? 'unseal.key') };
  throw configError(`seal.type must be keyfile or shamir, not ${JSON.stringify(type)}`);
}

function buildAudit(value: unknown): AuditDeviceConfig[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw configError('audit must be a list of devices');
  return value.map((item, i) => {
    const raw = asObject(item, `audit[${i}]`);
    checkKeys(raw, `audit[${i}]`, ['type', 'path', 'options']);
    const type = AUDIT_TYPES.find((t) => t === raw['type']);
    if (type === undefined) throw configError(`audit[${i}].type must be one of ${AUDIT_TYPES.map((t) => `"${t}"`).join(', ')}`);
    const options = raw['options'] === undefined ? {} : asObject(raw['options'], `audit[${i}].options`);
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(options)) flat[k] = String(v);
    const path = str(raw['path'], `audit[${i}].path`) ?? type;
    return { type, path: path.endsWith('/') ? path : `${path}/`, options: flat };
  });
}

/** " at line L, column C" from a yaml error, or '' (JSON.parse gives no safe position). */
function parsePosition(err: unknown): string {
  const pos = (err as { linePos?: Array<{ line: number; col: number }> } | undefined)?.linePos?.[0];
  return pos ? ` at line ${pos.line}, column ${pos.col}` : '';
}

function configError(message: string): ArcaError {
  return new ArcaError('invalid_request', `config: ${message}`);
}

function asObject(value: unknown, where: string): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw configError(`${where} must be an object`);
  return value as Raw;
}

function checkKeys(raw: Raw, where: string, allowed: readonly string[]): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw configError(`unknown key "${key}" in ${where} (allowed: ${allowed.join(', ')})`);
  }
}

function str(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw configError(`${where} must be a string`);
  return value;
}

function bool(value: unknown, where: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw configError(`${where} must be true or false`);
  return value;
}

function duration(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : undefined;
  if (seconds === undefined) throw configError(`${where} must be a duration such as "768h"`);
  return seconds;
}
