// src/core — asks the auth method that minted a login token whether the token may be renewed
// (Vault's AuthRenew, reached through the token's path as Vault's expiration manager does).
// Called by auth/token/renew and renew-self before the TTL is extended; a refusal thrown by
// the method's `renewLogin` reaches the caller as is (400 with Vault's text). Tokens that no
// login minted (auth/token/create, root, wrapping tokens) are never asked about.
import { ArcaError } from '../lib/errors.js';
import type { LogicalRequest } from '../framework/logical.js';
import type { Router } from './router/router.js';
import type { TokenEntry } from './tokens/token-entry.js';

export const METHOD_GONE = 'the auth method that issued this token is no longer enabled, not renewing';

/** Whether a token path is a login on some auth mount (not the token store's own paths). */
function isLoginPath(path: string): boolean {
  return path.startsWith('auth/') && !path.startsWith('auth/token/');
}

export async function askIssuingMethod(router: Router, entry: TokenEntry, req: LogicalRequest): Promise<void> {
  if (!isLoginPath(entry.path)) return;
  const match = router.route(entry.path);
  // A token whose login path no longer routes to an auth method (disabled, or moved) is not
  // extended. The entry records no mount accessor, so a method enabled again at the same
  // path is the one asked (Vault routes renewals by the token's path too).
  if (!match || match.mount.entry.table !== 'auth' || match.mount.entry.type === 'token') throw new ArcaError('invalid_request', METHOD_GONE);
  const backend = match.mount.handler.backend;
  if (!backend.renewLogin) return;
  await backend.renewLogin({
    path: entry.path,
    metadata: entry.meta,
    policies: entry.policies,
    displayName: entry.displayName,
    remoteAddress: req.remoteAddress,
    ...(req.peerCertificate ? { peerCertificate: req.peerCertificate } : {}),
  });
}
