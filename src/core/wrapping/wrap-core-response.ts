// src/core/wrapping — the pipeline step "response wrapping" (after finishResponse, before
// audit(response)). The core calls it on every answer:
//   out = await wrapCoreResponse(manager, await finishResponse(...), req)
// When the request asked for wrapping (X-Vault-Wrap-TTL > 0) the whole response is stored
// behind a fresh wrapping token and only `wrap_info` goes back; a handler that produced its
// own wrap_info (rewrap) has it returned instead. Empty (204) and raw responses are never
// wrapped, nor are errors (they never reach this step).
import type { LogicalRequest } from '../../framework/logical.js';
import type { CoreResponse } from '../core-response.js';
import type { WrappingManager } from './wrapping-manager.js';
import { responseEnvelope } from './response-envelope.js';

export async function wrapCoreResponse(manager: WrappingManager, out: CoreResponse | undefined, req: LogicalRequest): Promise<CoreResponse | undefined> {
  const attached = manager.takeAttached(req);
  if (attached) return { wrapInfo: attached, ...(out?.mountType !== undefined ? { mountType: out.mountType } : {}) };
  if (req.wrapTtl <= 0 || !out || out.raw || out.wrapInfo) return out;
  const wrapInfo = await manager.wrap(responseEnvelope(out, req.id), {
    ttl: req.wrapTtl,
    creationPath: req.path,
    ...(out.auth ? { wrappedAccessor: out.auth.accessor } : {}),
  });
  return { wrapInfo, ...(out.mountType !== undefined ? { mountType: out.mountType } : {}) };
}
