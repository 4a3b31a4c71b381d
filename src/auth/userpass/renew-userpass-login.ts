// src/auth/userpass — the renewal check of a userpass token (Vault's userpass
// pathLoginRenew): the user named in the token's metadata must still exist and still carry
// the policies the token was given; the token is then extended with the user's current
// token_ttl, token_max_ttl and token_period. Vault answers a deleted user with no renewal and no
// error; here it is a 400 so the caller learns why its token stops being extended.
import type { Backend } from '../../framework/backend.js';
import { ArcaError } from '../../lib/errors.js';
import { equivalentPolicies, goneDuringRenewal, POLICIES_CHANGED, recordedName } from '../equivalent-policies.js';
import { renewalTerms } from '../token-fields.js';
import type { UserStore } from './user-store.js';

export function renewUserpassLogin(users: UserStore): NonNullable<Backend['renewLogin']> {
  return async (login) => {
    const username = recordedName(login.metadata, 'username');
    const user = await users.get(username);
    if (user === undefined) throw goneDuringRenewal('user', username);
    if (!equivalentPolicies(user.token.token_policies, login.policies)) throw new ArcaError('invalid_request', POLICIES_CHANGED);
    return renewalTerms(user.token);
  };
}
