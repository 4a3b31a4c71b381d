// src/cli — the JSON a Vault CLI prints for a secret. `vault ... -format=json` does not echo
// the server's body: it decodes it into api.Secret and encodes that again, so the keys are
// request_id, lease_id, lease_duration, renewable, data, warnings, then auth, wrap_info and
// mount_type only when set (omitempty), in that order. Scripts that compare key sets or test
// `has("auth")` see the same object from arca.
import { asRecord } from './json-shape.js';
import type { JsonRecord } from './json-shape.js';

export function secretEnvelope(body: unknown): unknown {
  const r = asRecord(body);
  if (!r) return body;
  const out: JsonRecord = {
    request_id: r['request_id'] ?? '',
    lease_id: r['lease_id'] ?? '',
    lease_duration: r['lease_duration'] ?? 0,
    renewable: r['renewable'] ?? false,
    data: r['data'] ?? null,
    warnings: r['warnings'] ?? null,
  };
  if (r['auth'] != null) out['auth'] = r['auth'];
  if (r['wrap_info'] != null) out['wrap_info'] = r['wrap_info'];
  if (typeof r['mount_type'] === 'string' && r['mount_type'] !== '') out['mount_type'] = r['mount_type'];
  return out;
}
