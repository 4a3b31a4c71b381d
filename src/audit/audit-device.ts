// src/audit — what the broker speaks to. A device receives the RAW entry and owns everything
// after it: HMAC with its own key (Vault's per-device salt and hmac_accessor/log_raw options
// are per device), the hash chain (it is per output stream) and durability. The broker only
// fans out, bounds time and counts. Device types (file, socket, syslog) extend
// BatchedAuditDevice and implement its small sink contract instead of this interface.
import type { AuditEntry } from './audit-entry.js';
import type { ChainHead } from './audit-chain.js';

/** Vault's device options are a flat string map (`vault audit enable file file_path=...`). */
export type AuditDeviceOptions = Readonly<Record<string, string>>;

export interface AuditDevice {
  /** `file`, `syslog`, `socket`: the `type` shown by `sys/audit`. */
  readonly type: string;
  /** The options as enabled, shown by `sys/audit`. */
  readonly options: AuditDeviceOptions;
  /** Provisions the device (opens the file). Called by the broker's `enable`. */
  open(): Promise<void>;
  /** Resolves once the entry is durably recorded; rejects if it could not be. */
  log(entry: AuditEntry): Promise<void>;
  /** `sys/audit-hash`: the value as this device would write it. */
  hashAuditValue(value: string): string;
  /** Where the device's hash chain stands (its last durable record), if it keeps one. */
  head?(): ChainHead;
  /** Re-opens the output (after log rotation: SIGHUP). */
  reload(): Promise<void>;
  /** Flushes what is queued and releases the output. */
  close(): Promise<void>;
}
