// src/audit — the broker the core calls for every request and every response. It fans an
// entry out to all enabled devices in parallel and resolves as soon as one has durably
// recorded it. It FAILS CLOSED: with devices enabled and none able to write, it rejects and
// the core must refuse the request. With no device enabled it is a no-op (Vault's default).
// Each device write is cut off after `timeoutMs` so a hung device never wedges the server;
// the cut-off write keeps running in the device and is counted as timed out.
import { ArcaError } from '../lib/errors.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { silentLogger, type Logger } from '../lib/logger.js';
import type { AuditDevice, AuditDeviceOptions } from './audit-device.js';
import type { AuditEntry } from './audit-entry.js';
import type { ChainHead } from './audit-chain.js';
import { WriteDeadlines } from './write-deadlines.js';

export interface AuditBrokerOptions {
  /** Per-device bound on one write, default 5000 ms. */
  readonly timeoutMs?: number;
  /** Measures latency for `stats()`. */
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export interface AuditEnableOptions {
  readonly description?: string;
  /** Vault's `local`: not replicated to other clusters. Recorded for the listing only. */
  readonly local?: boolean;
  /**
   * Mount the device even if it cannot be opened now (restoring the audit table at unseal):
   * it tries again with each batch, and until one succeeds every request it would have to
   * record is refused (fail closed). An operator can then still unseal, and the server serves
   * again on its own once the output is back (a log collector restarted, a disk remounted).
   * Without it, enabling fails with a 400, as `sys/audit` enable must.
   */
  readonly deferOpen?: boolean;
}

/** One row of Vault's `GET sys/audit` listing. */
export interface AuditDeviceInfo {
  readonly type: string;
  readonly description: string;
  readonly options: AuditDeviceOptions;
  readonly path: string;
  readonly local: boolean;
}

export interface AuditStats {
  /** Device writes that succeeded (one entry to one device counts once). */
  readonly written: number;
  readonly failed: number;
  readonly timedOut: number;
  /** Time the last logRequest/logResponse took to resolve or reject. */
  readonly lastLatencyMs: number;
}

interface Mounted {
  readonly info: AuditDeviceInfo;
  readonly device: AuditDevice;
}

const DEFAULT_TIMEOUT_MS = 5000;
const MAX_PATH = 128;
const NO_DEVICE_WROTE = 'audit: no audit device could record the request';

class DeviceTimeout extends Error {}

export class AuditBroker {
  private readonly devices = new Map<string, Mounted>();
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private counters = { written: 0, failed: 0, timedOut: 0, lastLatencyMs: 0 };
  private readonly deadlines: WriteDeadlines;

  constructor(options: AuditBrokerOptions = {}) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError('audit timeoutMs must be positive');
    this.timeoutMs = timeoutMs;
    this.deadlines = new WriteDeadlines(timeoutMs);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  /** Opens `device` and mounts it at `path` (normalised to end in '/'). */
  async enable(path: string, device: AuditDevice, options: AuditEnableOptions = {}): Promise<void> {
    const key = normalisePath(path);
    if (this.devices.has(key)) throw new ArcaError('invalid_request', `path already in use at "${key}"`);
    try {
      await device.open();
    } catch (err) {
      if (options.deferOpen === true) {
        this.logger.error({ audit_path: key, err: describe(err) }, 'audit device could not be opened; requests are refused until it can write');
      } else {
        await device.close().catch(() => undefined);
        throw new ArcaError('invalid_request', `audit device at "${key}" could not be opened: ${describe(err)}`, { cause: err });
      }
    }
    if (this.devices.has(key)) {
      await device.close().catch(() => undefined);
      throw new ArcaError('invalid_request', `path already in use at "${key}"`);
    }
    const info: AuditDeviceInfo = {
      type: device.type,
      description: options.description ?? '',
      options: { ...device.options },
      path: key,
      local: options.local ?? false,
    };
    this.devices.set(key, { info, device });
  }

  /** Unmounts and closes the device; false if nothing was mounted there (Vault: no error). */
  async disable(path: string): Promise<boolean> {
    const key = normalisePath(path);
    const mounted = this.devices.get(key);
    if (mounted === undefined) return false;
    this.devices.delete(key);
    await mounted.device.close();
    return true;
  }

  list(): Record<string, AuditDeviceInfo> {
    const out: Record<string, AuditDeviceInfo> = {};
    for (const [key, { info }] of [...this.devices].sort(([a], [b]) => (a < b ? -1 : 1))) out[key] = info;
    return out;
  }

  /** The device mounted at `path`, if any (diagnostics and tests). */
  deviceAt(path: string): AuditDevice | undefined {
    return this.devices.get(normalisePath(path))?.device;
  }

  /** `sys/audit-hash/:path`: `input` as that device would write it. */
  hashValue(path: string, input: string): string {
    const mounted = this.devices.get(normalisePath(path));
    if (mounted === undefined) throw new ArcaError('invalid_request', `unknown audit backend "${path}"`);
    return mounted.device.hashAuditValue(input);
  }

  /**
   * The chain head of the device at `path`: the seq and line hash of its last durable
   * record. Kept elsewhere, it lets `arca audit verify -checkpoint` prove that a log file
   * still holds every record up to it (a chain alone cannot show a cut-off tail).
   */
  headOf(path: string): ChainHead {
    const mounted = this.devices.get(normalisePath(path));
    if (mounted === undefined) throw new ArcaError('invalid_request', `unknown audit backend "${path}"`);
    const head = mounted.device.head?.();
    if (head === undefined) throw new ArcaError('invalid_request', `audit backend "${path}" keeps no hash chain`);
    return head;
  }

  /** True when at least one device is enabled (callers skip building records otherwise). */
  get active(): boolean {
    return this.devices.size > 0;
  }

  logRequest(entry: AuditEntry): Promise<void> {
    if (entry.type !== 'request') return Promise.reject(new ArcaError('internal', 'audit: logRequest needs a request entry'));
    return this.fanOut(entry);
  }

  logResponse(entry: AuditEntry): Promise<void> {
    if (entry.type !== 'response') return Promise.reject(new ArcaError('internal', 'audit: logResponse needs a response entry'));
    return this.fanOut(entry);
  }

  stats(): AuditStats {
    return { ...this.counters };
  }

  /** Closes every device (server shutdown), flushing what they have queued. */
  async close(): Promise<void> {
    const mounted = [...this.devices.values()];
    this.devices.clear();
    await Promise.allSettled(mounted.map((m) => m.device.close()));
  }

  /** Reloads every device (SIGHUP after log rotation); failures are logged, not thrown. */
  async reload(): Promise<void> {
    await Promise.all(
      [...this.devices.values()].map((m) =>
        m.device.reload().catch((err: unknown) => {
          this.logger.error({ audit_path: m.info.path, err: describe(err) }, 'audit device reload failed');
        }),
      ),
    );
  }

  private fanOut(entry: AuditEntry): Promise<void> {
    if (this.devices.size === 0) return Promise.resolve();
    const started = this.clock.now();
    const done = (): void => {
      this.counters.lastLatencyMs = this.clock.now() - started;
    };
    const failed = (): never => {
      done();
      throw new ArcaError('internal', NO_DEVICE_WROTE);
    };
    // One device (the usual case): its write is the answer, without Promise.any's arrays.
    const written =
      this.devices.size === 1
        ? this.writeOne(this.devices.values().next().value as Mounted, entry)
        : Promise.any([...this.devices.values()].map((m) => this.writeOne(m, entry)));
    return written.then(done, failed);
  }

  /** The device's write, cut off after timeoutMs (the write itself keeps running). */
  private writeOne(mounted: Mounted, entry: AuditEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const deadline = this.deadlines.start(() => {
        this.counters.timedOut += 1;
        this.logger.error({ audit_path: mounted.info.path, err: `timed out after ${this.timeoutMs} ms` }, 'audit device write failed');
        reject(new DeviceTimeout());
      });
      let logged: Promise<void>;
      try {
        logged = mounted.device.log(entry);
      } catch (err) {
        logged = Promise.reject(err instanceof Error ? err : new Error('audit device write failed'));
      }
      logged.then(
        () => {
          if (!deadline.finish()) return;
          this.counters.written += 1;
          resolve();
        },
        (err: unknown) => {
          if (!deadline.finish()) return;
          this.counters.failed += 1;
          this.logger.error({ audit_path: mounted.info.path, err: describe(err) }, 'audit device write failed');
          reject(err instanceof Error ? err : new Error('audit device write failed'));
        },
      );
    });
  }
}

function normalisePath(path: string): string {
  const trimmed = path.replace(/^\/+/, '');
  const key = trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
  if (key === '/' || key.length > MAX_PATH || !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\/$/.test(key)) {
    throw new ArcaError('invalid_request', 'audit path must be 1-128 characters of letters, digits, "_", "-", "." and "/"');
  }
  return key;
}

/** A short, secret-free description: the error code or name, never the entry. */
function describe(err: unknown): string {
  if (err instanceof ArcaError) return err.cause === undefined ? err.code : `${err.code}: ${describe(err.cause)}`;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ?? err.name;
  }
  return 'unknown error';
}
