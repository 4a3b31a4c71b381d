// src/core — turns a handler's LogicalResponse into the CoreResponse the HTTP layer renders:
// an empty read/list is Vault's 404 {"errors":[]}, a `secret` becomes a registered lease,
// an `auth` (login) goes through identity and MFA to a newly minted token.
import { notFound } from '../lib/errors.js';
import type { LogicalRequest, LogicalResponse } from '../framework/logical.js';
import type { MountEntry } from './router/mount-entry.js';
import type { CoreResponse, MintedAuthResponse } from './core-response.js';
import { completeLogin } from './login-completion.js';
import type { Core } from './core.js';

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
  if (res.renewedLease) {
    out.leaseId = res.renewedLease.leaseId;
    out.renewable = res.renewedLease.renewable;
    out.leaseDuration = res.renewedLease.ttl;
  }
  if (res.ttlHint !== undefined && !res.secret) {
    out.leaseDuration = res.ttlHint > 0 ? res.ttlHint : core.mounts.mountConfig(mount).defaultLeaseTtl;
  }
  // The token backend and sys/mfa/validate mint their tokens themselves.
  const tokenAuth = (res as MintedAuthResponse).tokenAuth;
  if (tokenAuth) out.auth = tokenAuth;
  if (res.auth) {
    const login = await completeLogin(core, res.auth, { path: req.path, mountAccessor: mount.accessor, mountType: mount.type, headers: req.headers });
    out.auth = login.auth;
    if (login.warnings.length > 0) out.warnings = [...(out.warnings ?? []), ...login.warnings];
  }
  return out;
}
