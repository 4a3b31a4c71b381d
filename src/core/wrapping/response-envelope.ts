// src/core/wrapping — the JSON body a wrapped response would have had (Vault's HTTP
// envelope). It is what a wrapping token stores and what unwrap sends back as it is, so the
// unwrapped answer is byte-for-byte shaped like the original one, as in Vault. Kept in step
// with src/http/render-response.ts (which core may not import).
import type { CoreResponse } from '../core-response.js';
import type { WrappedPayload } from './wrapping-manager.js';

export function responseEnvelope(out: CoreResponse, requestId: string): WrappedPayload {
  return {
    request_id: requestId,
    lease_id: out.leaseId ?? '',
    renewable: out.renewable ?? false,
    lease_duration: out.leaseDuration ?? 0,
    data: out.data ?? null,
    wrap_info: null,
    warnings: out.warnings && out.warnings.length > 0 ? [...out.warnings] : null,
    auth: out.auth ?? null,
    mount_type: out.mountType ?? '',
  };
}
