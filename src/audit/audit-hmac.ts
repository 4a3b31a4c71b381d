// src/audit — the one keyed hash for audit values. Vault's format: `hmac-sha256:<hex>` of
// HMAC-SHA256 with the device's key (Vault calls it the salt). The same function backs
// `sys/audit-hash`, so an operator can hash a known token and grep the log for it.
import { createHmac } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export const AUDIT_HMAC_PREFIX = 'hmac-sha256:';

/** `key` as raw bytes, or (cheaper per call) as a KeyObject made once from them. */
export function auditHmac(key: Uint8Array | KeyObject, value: string): string {
  return AUDIT_HMAC_PREFIX + createHmac('sha256', key).update(value, 'utf8').digest('hex');
}
