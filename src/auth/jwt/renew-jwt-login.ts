// src/auth/jwt — the renewal check of a jwt/oidc token (vault-plugin-auth-jwt's
// pathLoginRenew): the role named in the token's metadata (`role`, a key claim_mappings may
// not target) must still exist; the token is extended with the role's current token_ttl,
// token_max_ttl and token_period. As in Vault, the JWT is not presented again and the role's
// policies and bound claims are not re-checked.
import type { Backend } from '../../framework/backend.js';
import type { StorageView } from '../../storage/storage-view.js';
import { goneDuringRenewal, recordedName } from '../equivalent-policies.js';
import { renewalTerms } from '../token-fields.js';
import { RESERVED_METADATA_KEY } from './jwt-claims.js';
import { readJwtRole } from './jwt-role-store.js';

export function renewJwtLogin(storage: StorageView): NonNullable<Backend['renewLogin']> {
  return async (login) => {
    const roleName = recordedName(login.metadata, RESERVED_METADATA_KEY);
    const role = await readJwtRole(storage, roleName);
    if (role === undefined) throw goneDuringRenewal('role', roleName);
    return renewalTerms(role.token);
  };
}
