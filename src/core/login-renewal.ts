// src/core — asks the auth method that minted a login token whether the token may be renewed
// and with what (Vault's AuthRenew). Called by auth/token/renew and renew-self before the TTL
// is extended; a refusal thrown by the method's `renewLogin` reaches the caller as is (400
// with Vault's text). The method's answer (its user's or role's current token_ttl,
// token_max_ttl, token_period) and the issuing mount's tuned limits become the renewal's
// terms, as Vault extends a login token under its mount's system view. Tokens that no login
// minted (auth/token/create, root, wrapping tokens) are never asked about.
// The method asked is the mount the token records (its accessor), not whatever is mounted at
// the token's login path today: a method disabled and enabled again at the same path is a new
// mount with a new accessor and is never asked about the old mount's tokens (their renewal is
// refused; disabling revokes them anyway). Tokens minted before the accessor was recorded
// fall back to routing their login path, as before.
import { ArcaError } from '../lib/errors.js';
import type { LogicalRequest } from '../framework/logical.js';
import type { MountedBackend, Router } from './router/router.js';
import type { TokenEntry } from './tokens/token-entry.js';
import type { TokenRenewalTerms } from './tokens/token-renewal-terms.js';

export const METHOD_GONE = 'the auth method that issued this token is no longer enabled, not renewing';

/** Whether a token path is a login on some auth mount (not the token store's own paths). */
function isLoginPath(path: string): boolean {
  return path.startsWith('auth/') && !path.startsWith('auth/token/');
}

/** The auth mount that minted `entry`, if it is still enabled. */
function issuingMount(router: Router, entry: TokenEntry): MountedBackend | undefined {
  const mount = entry.mountAccessor !== undefined ? router.byAccessor(entry.mountAccessor) : router.route(entry.path)?.mount;
  return mount && mount.entry.table === 'auth' && mount.entry.type !== 'token' ? mount : undefined;
}

export async function askIssuingMethod(router: Router, entry: TokenEntry, req: LogicalRequest): Promise<TokenRenewalTerms | undefined> {
  if (entry.mountAccessor === undefined && !isLoginPath(entry.path)) return undefined;
  const mount = issuingMount(router, entry);
  if (!mount) throw new ArcaError('invalid_request', METHOD_GONE);
  const backend = mount.handler.backend;
  const limits = mount.handler.env.config();
  if (!backend.renewLogin) return { limits };
  const terms = await backend.renewLogin({
    path: entry.path,
    metadata: entry.meta,
    policies: entry.policies,
    displayName: entry.displayName,
    ...(entry.internal !== undefined ? { internal: entry.internal } : {}),
    remoteAddress: req.remoteAddress,
    ...(req.peerCertificate ? { peerCertificate: req.peerCertificate } : {}),
  });
  return terms === undefined ? { limits } : { ttl: terms.ttl, maxTtl: terms.maxTtl, period: terms.period, limits };
}
