// src/core/identity — the identity/ mount (type "identity", a builtin the core mounts at
// identity/): Vault's entity, entity-alias, group and group-alias endpoints plus Arca's access/grant,
// all served from the shared IdentityStore rather than from the mount's own storage view,
// because the request pipeline reads the same store. `extraPaths` lets other identity
// features (MFA methods, OIDC) add their paths to the same mount.
import type { Backend } from '../../framework/backend.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import type { IdentityStore } from './identity-store.js';
import { accessGrantPaths } from './path-access-grant.js';
import { entityAliasPaths } from './path-entity-alias.js';
import { entityPaths } from './path-entity.js';
import { groupAliasPaths } from './path-group-alias.js';
import { groupPaths } from './path-group.js';

export function createIdentityBackend(store: IdentityStore, extraPaths: readonly AnyPathSpec[] = []): Backend {
  return {
    id: 'secrets.identity',
    type: 'identity',
    kind: 'secret',
    paths: [...entityPaths(store), ...entityAliasPaths(store), ...groupPaths(store), ...groupAliasPaths(store), ...accessGrantPaths(store), ...extraPaths],
  };
}
