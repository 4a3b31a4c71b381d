// src/auth/approle — the renewal check of an approle token (Vault's approle pathLoginRenew):
// the role named in the token's metadata (`role_name`, set by login after the secret-id's
// own metadata, so a secret-id cannot name another role) must still exist. As in Vault, the
// role's policies are not compared with the token's.
import type { Backend } from '../../framework/backend.js';
import type { StorageView } from '../../storage/storage-view.js';
import { goneDuringRenewal, recordedName } from '../equivalent-policies.js';
import { getRole } from './role-store.js';

export function renewApproleLogin(storage: StorageView): NonNullable<Backend['renewLogin']> {
  return async (login) => {
    const roleName = recordedName(login.metadata, 'role_name');
    if ((await getRole(storage, roleName)) === undefined) throw goneDuringRenewal('role', roleName);
  };
}
