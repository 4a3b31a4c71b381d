// src/audit — a realistic entry for tests (here and in the core's pipeline tests). Every
// secret-bearing field carries a distinct recognisable marker so a test can grep output
// for it; nothing here is used at runtime.
import type { AuditEntry, AuditEntryType } from './audit-entry.js';

export const SAMPLE_SECRETS = {
  clientToken: 'hvs.SAMPLE-CLIENT-TOKEN-7f3a',
  accessor: 'SAMPLE-ACCESSOR-91bc',
  password: 'SAMPLE-PASSWORD-c0ffee',
  nested: 'SAMPLE-NESTED-d00d',
  arrayItem: 'SAMPLE-ARRAY-item-42',
  responseToken: 'hvs.SAMPLE-RESPONSE-TOKEN-aa11',
  wrapToken: 'hvs.SAMPLE-WRAP-TOKEN-bb22',
  header: 'Bearer SAMPLE-HEADER-cc33',
} as const;

export function sampleAuditEntry(type: AuditEntryType = 'request', id = 'req-0001'): AuditEntry {
  const s = SAMPLE_SECRETS;
  const base: AuditEntry = {
    type,
    time: '2026-01-01T00:00:00.000000000Z',
    auth: {
      client_token: s.clientToken,
      accessor: s.accessor,
      display_name: 'approle-web',
      policies: ['default', 'web'],
      token_policies: ['default', 'web'],
      metadata: { role_name: 'web' },
      entity_id: 'entity-1',
      token_type: 'service',
      token_ttl: 3600,
    },
    request: {
      id,
      operation: 'update',
      path: 'secret/data/app',
      mount_type: 'kv',
      mount_accessor: 'kv_1234',
      client_token: s.clientToken,
      client_token_accessor: s.accessor,
      remote_address: '127.0.0.1',
      data: { data: { password: s.password, deep: { list: [s.arrayItem, 7, true, null], inner: s.nested } }, options: { cas: 3 } },
      headers: { authorization: [s.header] },
    },
  };
  if (type === 'request') return base;
  return {
    ...base,
    response: {
      status: 200,
      data: { password: s.password, version: 4 },
      secret: { lease_id: 'database/creds/web/lease-1' },
      auth: { client_token: s.responseToken, accessor: s.accessor, policies: ['default'] },
      wrap_info: {
        token: s.wrapToken,
        accessor: s.accessor,
        ttl: 60,
        creation_time: '2026-01-01T00:00:00Z',
        creation_path: 'secret/data/app',
      },
      warnings: ['a warning'],
    },
  };
}
