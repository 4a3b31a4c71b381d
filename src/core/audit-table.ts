// src/core — the persisted list of enabled audit devices (sys/audit-table) and each
// device's HMAC key (sys/audit-salt/<path>), both above the barrier. Restored on unseal; a
// device that cannot be opened then fails the unseal rather than letting requests through
// unaudited (fail closed).
import { randomBytes } from 'node:crypto';
import { ArcaError } from '../lib/errors.js';
import type { StorageView } from '../storage/storage-view.js';
import type { AuditBroker } from '../audit/audit-broker.js';
import { FileAuditDevice } from '../audit/file-audit-device.js';
import { SocketAuditDevice } from '../audit/socket-audit-device.js';
import { SyslogAuditDevice } from '../audit/syslog-audit-device.js';
import type { AuditDevice } from '../audit/audit-device.js';

export interface AuditTableRow {
  readonly path: string;
  readonly type: string;
  readonly description: string;
  readonly options: Readonly<Record<string, string>>;
  readonly local: boolean;
}

const TABLE_KEY = 'sys/audit-table';
const SALT_PREFIX = 'sys/audit-salt/';

export class AuditTable {
  private readonly storage: StorageView;
  private readonly broker: AuditBroker;
  private rows: AuditTableRow[] = [];

  constructor(storage: StorageView, broker: AuditBroker) {
    this.storage = storage;
    this.broker = broker;
  }

  async load(): Promise<void> {
    this.rows = (await this.storage.getJson<AuditTableRow[]>(TABLE_KEY)) ?? [];
    // A device that cannot be opened now (its collector is down) must not stop the unseal:
    // it is mounted anyway and refuses requests until it can write (see deferOpen).
    for (const row of this.rows) {
      await this.broker.enable(row.path, await this.device(row), { description: row.description, local: row.local, deferOpen: true });
    }
  }

  async enable(row: AuditTableRow): Promise<void> {
    const path = normalize(row.path);
    if (this.rows.some((r) => r.path === path)) throw new ArcaError('invalid_request', `path already in use: ${JSON.stringify(path)}`);
    const next = { ...row, path };
    await this.broker.enable(path, await this.device(next), { description: next.description, local: next.local });
    this.rows = [...this.rows, next];
    await this.storage.putJson(TABLE_KEY, this.rows);
  }

  async disable(path: string): Promise<void> {
    const p = normalize(path);
    if (!this.rows.some((r) => r.path === p)) return;
    this.rows = this.rows.filter((r) => r.path !== p);
    await this.storage.putJson(TABLE_KEY, this.rows);
    await this.broker.disable(p);
    await this.storage.delete(SALT_PREFIX + p);
  }

  private async device(row: AuditTableRow): Promise<AuditDevice> {
    const make = DEVICE_TYPES.get(row.type);
    if (make === undefined) throw new ArcaError('invalid_request', `unknown audit device type ${JSON.stringify(row.type)}`);
    let salt = await this.storage.get(SALT_PREFIX + row.path);
    if (!salt) {
      salt = randomBytes(32);
      await this.storage.put(SALT_PREFIX + row.path, salt);
    }
    return make(row.options, salt);
  }
}

/** The device types `sys/audit/:path` enables, by Vault's `type` names. */
type MakeDevice = (options: AuditTableRow['options'], key: Uint8Array) => AuditDevice;
const DEVICE_TYPES: ReadonlyMap<string, MakeDevice> = new Map<string, MakeDevice>([
  ['file', (options, key) => new FileAuditDevice(options, key)],
  ['socket', (options, key) => new SocketAuditDevice(options, key)],
  ['syslog', (options, key) => new SyslogAuditDevice(options, key)],
]);

function normalize(path: string): string {
  const p = path.trim().replace(/^\/+/, '').replace(/\/+$/, '');
  if (!/^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/.test(p)) throw new ArcaError('invalid_request', `invalid audit path ${JSON.stringify(path.slice(0, 100))}`);
  return `${p}/`;
}
