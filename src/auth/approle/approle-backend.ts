// src/auth/approle — the `approle` auth method (plugin id `auth.approle`): machines log in
// at `login` with a role's role_id and a secret-id issued for it. Secret-ids are stored only
// as HMACs under a per-mount key (mount-key.ts); use counts and expiry are enforced in
// storage transactions with the mount's clock. Creating the backend has no side effects.
import type { BackendFactory } from '../../framework/backend.js';
import { MountKey } from './mount-key.js';
import { pathLogin } from './path-login.js';
import { pathRole, pathRoleId, pathRoleList } from './path-role.js';
import { pathCustomSecretId, pathSecretId } from './path-secret-id.js';
import { pathSecretIdAccessor, pathSecretIdLookup } from './path-secret-id-lookup.js';
import { pathTidySecretId } from './path-tidy.js';
import { renewApproleLogin } from './renew-approle-login.js';

export const createApproleBackend: BackendFactory = (env) => {
  const key = new MountKey(env.storage);
  return {
    id: 'auth.approle',
    type: 'approle',
    kind: 'auth',
    paths: [
      pathLogin(key),
      pathRoleList(),
      pathRole(key),
      pathRoleId(key),
      pathSecretId(key),
      ...pathSecretIdLookup(key),
      ...pathSecretIdAccessor(),
      pathCustomSecretId(key),
      pathTidySecretId(),
    ],
    renewLogin: renewApproleLogin(env.storage),
  };
};
