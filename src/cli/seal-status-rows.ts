// src/cli — the seal-status table shared by `status`, `operator unseal` and `operator seal`,
// in Vault's wording and order. Fields the server leaves out are left out of the table.
import { formatValue } from './format-value.js';
import { asNumber, asRecord } from './json-shape.js';
import type { Row } from './output.js';

export function sealStatusRows(body: unknown): Row[] {
  const s = asRecord(body) ?? {};
  const rows: Row[] = [];
  const put = (label: string, key: string): void => {
    if (s[key] !== undefined && s[key] !== null) rows.push([label, formatValue(s[key])]);
  };
  put('Seal Type', 'type');
  put('Initialized', 'initialized');
  put('Sealed', 'sealed');
  put('Total Shares', 'n');
  put('Threshold', 't');
  if (s['sealed'] === true) {
    rows.push(['Unseal Progress', `${asNumber(s['progress']) ?? 0}/${asNumber(s['t']) ?? 0}`]);
    rows.push(['Unseal Nonce', typeof s['nonce'] === 'string' ? s['nonce'] : '']);
  }
  put('Version', 'version');
  put('Build Date', 'build_date');
  put('Storage Type', 'storage_type');
  put('Cluster Name', 'cluster_name');
  put('Cluster ID', 'cluster_id');
  rows.push(['HA Enabled', formatValue(s['ha_enabled'] ?? false)]);
  return rows;
}
