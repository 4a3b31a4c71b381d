// src/auth/approle — the renewal check of an approle token (Vault's approle pathLoginRenew):
// the role named in the token's metadata (`role_name`, set by login after the secret-id's
// own metadata, so a secret-id cannot name another role) must still exist, and the token is
// extended with the role's current token_ttl, token_max_ttl and token_period. As in Vault,
// the role's policies are not compared with the token's.
import type { Backend } from '../../framework/backend.js';
import type { StorageView } from '../../storage/storage-view.js';
import { goneDuringRenewal, recordedName } from '../equivalent-policies.js';
import { renewalTerms } from '../token-fields.js';
import { getRole } from './role-store.js';

export function renewApproleLogin(storage: StorageView): NonNullable<Backend['renewLogin']> {
  return async (login) => {
    const roleName = recordedName(login.metadata, 'role_name');
    const role = await getRole(storage, roleName);
    if (role === undefined) throw goneDuringRenewal('role', roleName);
    return renewalTerms(role.token);
  };
}
