// src/core — turns a handler's LogicalResponse into the CoreResponse the HTTP layer renders:
// an empty read/list is Vault's 404 {"errors":[]}, a `secret` becomes a registered lease,
// an `auth` (login) becomes a newly minted token.
import { ArcaError, notFound } from '../lib/errors.js';
import type { LogicalRequest, LogicalResponse } from '../framework/logical.js';
import type { MountEntry } from './router/mount-entry.js';
import type { AuthEnvelope, CoreResponse } from './core-response.js';
import type { Core } from './core.js';
import type { TokenBackendResponse } from './tokens/token-backend-context.js';

export async function finishResponse(core: Core, req: LogicalRequest, mount: MountEntry, res: LogicalResponse | undefined): Promise<CoreResponse | undefined> {
  if (!res) {
    if (req.operation === 'read' || req.operation === 'list') throw notFound();
    return undefined;
  }
  if (res.raw) return { raw: res.raw, ...(res.status !== undefined ? { status: res.status } : {}) };
  const out: { -readonly [K in keyof CoreResponse]: CoreResponse[K] } = {
    data: res.data,
    warnings: res.warnings,
    mountType: mount.type,
    ...(res.status !== undefined ? { status: res.status } : {}),
  };
  if (res.secret) {
    const lease = await core.leases.register({
      path: req.path,
      secret: res.secret,
      mountAccessor: mount.accessor,
      tokenKey: req.auth?.tokenKey ?? '',
      mountConfig: core.mounts.mountConfig(mount),
    });
    out.leaseId = lease.leaseId;
    out.renewable = lease.renewable;
    out.leaseDuration = lease.ttl;
  }
  // The token backend mints its tokens itself and hands back the final auth block.
  const tokenAuth = (res as TokenBackendResponse).tokenAuth;
  if (tokenAuth) out.auth = tokenAuth;
  if (res.auth) {
    if (res.auth.policies.includes('response-wrapping')) throw new ArcaError('invalid_request', 'the "response-wrapping" policy cannot be given to a token');
    const created = await core.tokens.createForLogin(res.auth, { path: req.path, mountConfig: core.mounts.mountConfig(mount) });
    const e = created.entry;
    const auth: AuthEnvelope = {
      client_token: created.token,
      accessor: e.accessor,
      policies: e.policies,
      token_policies: e.policies,
      metadata: Object.keys(e.meta).length > 0 ? e.meta : null,
      lease_duration: e.expireTime > 0 ? Math.round((e.expireTime - core.deps.clock.now()) / 1000) : 0,
      renewable: e.renewable,
      entity_id: e.entityId,
      token_type: 'service',
      orphan: e.orphan,
      num_uses: Math.max(0, e.numUses),
      mfa_requirement: null,
    };
    out.auth = auth;
    if (created.warnings.length > 0) out.warnings = [...(out.warnings ?? []), ...created.warnings];
  }
  return out;
}
