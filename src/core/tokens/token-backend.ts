// src/core/tokens — the auth/token backend (Vault's token auth method) as a path table over
// a TokenStore. The core mounts it at auth/token/, authorises requests with the ACL, sets
// req.auth from the caller's token, and renders `tokenAuth` from a TokenBackendResponse as
// the envelope's `auth`.
import type { Backend } from '../../framework/backend.js';
import type { LeaseManager } from '../leases/lease-manager.js';
import { tokenCreatePaths } from './path-token-create.js';
import { tokenLookupPaths } from './path-token-lookup.js';
import { tokenRenewPaths } from './path-token-renew.js';
import { tokenRolePaths } from './path-token-roles.js';
import { tokenRevokePaths } from './path-token-revoke.js';
import { tokenBackendContext } from './token-backend-context.js';
import type { TokenBackendOptions } from './token-backend-context.js';
import type { TokenStore } from './token-store.js';

export type { TokenBackendOptions, TokenBackendResponse } from './token-backend-context.js';

export function createTokenBackend(store: TokenStore, leases: LeaseManager, options: TokenBackendOptions = {}): Backend {
  const ctx = tokenBackendContext(store, leases, options);
  return {
    id: 'auth.token',
    type: 'token',
    kind: 'auth',
    paths: [...tokenCreatePaths(ctx), ...tokenLookupPaths(ctx), ...tokenRenewPaths(ctx), ...tokenRevokePaths(ctx), ...tokenRolePaths()],
  };
}
