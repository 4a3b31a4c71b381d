// src/core — the persisted list of enabled audit devices (sys/audit-table) and each
// device's HMAC key (sys/audit-salt/<path>), both above the barrier. Restored on unseal; a
// device that cannot be opened then is mounted anyway and refuses requests until it can
// write (fail closed, see AuditEnableOptions.deferOpen).
// Each file device's chain head is also kept above the barrier (sys/audit-checkpoint/<path>):
// saved when the devices close (seal, shutdown) and every CHECKPOINT_INTERVAL_MS while it
// moves. At unseal a file whose chain ends before that checkpoint (a lower seq, or the same
// seq with another hash) lost its tail while the server was down: that is logged, written
// to the device as a record of its own and counted (cutsDetected) — never a refusal to
// start. An empty file is a rotation, not a cut: its chain continues from the checkpoint.
import { randomBytes } from 'node:crypto';
import { ArcaError } from '../lib/errors.js';
import type { StorageView } from '../storage/storage-view.js';
import type { AuditBroker } from '../audit/audit-broker.js';
import { FileAuditDevice } from '../audit/file-audit-device.js';
import { SocketAuditDevice } from '../audit/socket-audit-device.js';
import { SyslogAuditDevice } from '../audit/syslog-audit-device.js';
import type { AuditDevice } from '../audit/audit-device.js';
import type { ChainHead } from '../audit/audit-chain.js';
import { silentLogger, type Logger } from '../lib/logger.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { auditLogCutRecord, type AuditLogCut } from './audit-records.js';

export interface AuditTableRow {
  readonly path: string;
  readonly type: string;
  readonly description: string;
  readonly options: Readonly<Record<string, string>>;
  readonly local: boolean;
}

const TABLE_KEY = 'sys/audit-table';
const SALT_PREFIX = 'sys/audit-salt/';
const CHECKPOINT_PREFIX = 'sys/audit-checkpoint/';
/** How often a moved chain head is saved while running (never per request). */
const CHECKPOINT_INTERVAL_MS = 10_000;

export interface AuditTableOptions {
  readonly logger?: Logger;
  /** Stamps the record of a cut log. */
  readonly clock?: Clock;
  /** Default CHECKPOINT_INTERVAL_MS; 0 saves only on close (and via saveCheckpoints). */
  readonly checkpointIntervalMs?: number;
  /**
   * Default true. False on storage several nodes share (PostgreSQL): each node writes its own
   * file under the same audit path, so one checkpoint per path would compare a node's file
   * with another node's chain and report cuts that never happened.
   */
  readonly checkpoints?: boolean;
  /** Devices make their lines on the shared audit worker thread (default false: see audit-worker-policy.ts). */
  readonly worker?: boolean;
}

/** A file device whose chain head is checkpointed, and the head last saved for it. */
interface Chained {
  readonly device: FileAuditDevice;
  readonly filePath: string;
  saved: ChainHead | undefined;
}

export class AuditTable {
  private readonly storage: StorageView;
  private readonly broker: AuditBroker;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly checkpoints: boolean;
  private readonly worker: boolean;
  private rows: AuditTableRow[] = [];
  private readonly chained = new Map<string, Chained>();
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private cuts: AuditLogCut[] = [];

  constructor(storage: StorageView, broker: AuditBroker, options: AuditTableOptions = {}) {
    this.storage = storage;
    this.broker = broker;
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.intervalMs = options.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS;
    this.checkpoints = options.checkpoints ?? true;
    this.worker = options.worker ?? false;
  }

  async load(): Promise<void> {
    this.rows = (await this.storage.getJson<AuditTableRow[]>(TABLE_KEY)) ?? [];
    // A device that cannot be opened now (its collector is down) must not stop the unseal:
    // it is mounted anyway and refuses requests until it can write (see deferOpen).
    for (const row of this.rows) {
      const device = await this.device(row);
      const filePath = device instanceof FileAuditDevice && this.checkpoints ? device.filePath : undefined;
      const stored = filePath === undefined ? undefined : await this.storedCheckpoint(row.path);
      // An empty (rotated-away) file continues the chain from the checkpoint.
      if (stored !== undefined && device instanceof FileAuditDevice) device.continueFrom(stored);
      await this.broker.enable(row.path, device, { description: row.description, local: row.local, deferOpen: true });
      if (filePath === undefined || !(device instanceof FileAuditDevice)) continue;
      this.chained.set(row.path, { device, filePath, saved: stored });
      // A device that could not be opened still stands at the checkpoint: nothing to compare.
      if (stored !== undefined) await this.compare(row.path, stored);
    }
    if (this.intervalMs > 0 && this.checkpoints) {
      this.timer = setInterval(() => void this.saveCheckpoints(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** File devices found cut at this unseal (sys/metrics: arca_audit_log_cuts_detected). */
  get cutsDetected(): readonly AuditLogCut[] {
    return this.cuts;
  }

  /**
   * Saves each file device's chain head that moved since it was last saved. Runs one at a
   * time; a failure (sealed barrier, storage down) is logged and retried next time.
   */
  saveCheckpoints(): Promise<void> {
    const run = this.saving.then(async () => {
      for (const [path, c] of this.chained) {
        const head = c.device.head();
        if (head.seq === 0 || (c.saved !== undefined && c.saved.seq === head.seq && c.saved.hash === head.hash)) continue;
        try {
          await this.storage.putJson(checkpointKey(path), { seq: head.seq, hash: head.hash });
          c.saved = head;
        } catch (err) {
          this.logger.warn({ audit_path: path, err: String(err) }, 'audit checkpoint could not be saved');
        }
      }
    });
    this.saving = run;
    return run;
  }

  /** Closes every device (flushing what is queued), then saves where each chain ends. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.broker.close();
    await this.saveCheckpoints();
    this.chained.clear();
  }

  /** Reports (log, record in the device, metric) a file whose chain ends before `stored`. */
  private async compare(path: string, stored: ChainHead): Promise<void> {
    const c = this.chained.get(path);
    if (c === undefined) return;
    const found = c.device.head();
    const cut = found.seq < stored.seq || (found.seq === stored.seq && found.hash !== stored.hash);
    if (!cut) return;
    const report: AuditLogCut = { path, filePath: c.filePath, expected: stored, found };
    this.cuts = [...this.cuts, report];
    this.logger.error(
      { audit_path: path, file_path: c.filePath, expected_seq: stored.seq, expected_hash: stored.hash, found_seq: found.seq, found_hash: found.hash },
      `audit log ${c.filePath} (device ${path}) was cut while the server was down: it ends at seq ${found.seq}, its checkpoint is seq ${stored.seq}`,
    );
    try {
      await c.device.log(auditLogCutRecord(report, this.clock.now()));
    } catch (err) {
      this.logger.error({ audit_path: path, err: String(err) }, 'the audit log cut could not be recorded in its device');
    }
    // The record is durable: checkpoint past it so the same cut is not reported again.
    await this.saveCheckpoints();
  }

  private async storedCheckpoint(path: string): Promise<ChainHead | undefined> {
    const raw = await this.storage.getJson<unknown>(checkpointKey(path));
    if (typeof raw !== 'object' || raw === null) return undefined;
    const { seq, hash } = raw as { seq?: unknown; hash?: unknown };
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1 || typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) {
      this.logger.warn({ audit_path: path }, 'ignoring a malformed audit checkpoint');
      return undefined;
    }
    return { seq, hash };
  }

  async enable(row: AuditTableRow): Promise<void> {
    const path = normalize(row.path);
    if (this.rows.some((r) => r.path === path)) throw new ArcaError('invalid_request', `path already in use: ${JSON.stringify(path)}`);
    const next = { ...row, path };
    const device = await this.device(next);
    await this.broker.enable(path, device, { description: next.description, local: next.local });
    const filePath = device instanceof FileAuditDevice ? device.filePath : undefined;
    if (device instanceof FileAuditDevice && filePath !== undefined && this.checkpoints) this.chained.set(path, { device, filePath, saved: undefined });
    this.rows = [...this.rows, next];
    await this.storage.putJson(TABLE_KEY, this.rows);
  }

  async disable(path: string): Promise<void> {
    const p = normalize(path);
    if (!this.rows.some((r) => r.path === p)) return;
    this.rows = this.rows.filter((r) => r.path !== p);
    await this.storage.putJson(TABLE_KEY, this.rows);
    this.chained.delete(p);
    await this.saving; // a save under way must not put the checkpoint back after the delete
    await this.broker.disable(p);
    await this.storage.delete(SALT_PREFIX + p);
    await this.storage.delete(checkpointKey(p));
  }

  private async device(row: AuditTableRow): Promise<AuditDevice> {
    const make = DEVICE_TYPES.get(row.type);
    if (make === undefined) throw new ArcaError('invalid_request', `unknown audit device type ${JSON.stringify(row.type)}`);
    let salt = await this.storage.get(SALT_PREFIX + row.path);
    if (!salt) {
      salt = randomBytes(32);
      await this.storage.put(SALT_PREFIX + row.path, salt);
    }
    return make(row.options, salt, !this.worker);
  }
}

/** The device types `sys/audit/:path` enables, by Vault's `type` names. */
type MakeDevice = (options: AuditTableRow['options'], key: Uint8Array, inThread: boolean) => AuditDevice;
const DEVICE_TYPES: ReadonlyMap<string, MakeDevice> = new Map<string, MakeDevice>([
  ['file', (options, key, inThread) => new FileAuditDevice(options, key, inThread)],
  ['socket', (options, key, inThread) => new SocketAuditDevice(options, key, inThread)],
  ['syslog', (options, key, inThread) => new SyslogAuditDevice(options, key, inThread)],
]);

/** `sys/audit-checkpoint/<path>` without the path's trailing '/' (a key, not a folder). */
function checkpointKey(path: string): string {
  return CHECKPOINT_PREFIX + path.replace(/\/+$/, '');
}

function normalize(path: string): string {
  const p = path.trim().replace(/^\/+/, '').replace(/\/+$/, '');
  if (!/^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/.test(p)) throw new ArcaError('invalid_request', `invalid audit path ${JSON.stringify(path.slice(0, 100))}`);
  return `${p}/`;
}
