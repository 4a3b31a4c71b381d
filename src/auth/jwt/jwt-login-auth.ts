// src/auth/jwt — turns the validated claims of a login into the ResponseAuth the core mints
// a token from (shared with the OIDC callback). Alias name and display name = the
// user_claim's value; metadata = `role` plus claim_mappings; the groups_claim's values are
// the login's group aliases (Vault's GroupAliases): identity makes the entity a member of
// the external groups aliased on this mount under those names. A role without groups_claim
// reports no groups ([]), so memberships from an earlier groups_claim end at the next login.
import type { ResponseAuth } from '../../framework/logical.js';
import { loginAuth } from '../token-fields.js';
import { groupsClaimValues, mapClaims, RESERVED_METADATA_KEY, userClaimValue } from './jwt-claims.js';
import type { Claims } from './jwt-claims.js';
import type { JwtRole } from './jwt-role-store.js';

export function buildJwtLoginAuth(roleName: string, role: JwtRole, claims: Claims): ResponseAuth {
  const alias = userClaimValue(claims, role.user_claim, role.user_claim_json_pointer);
  const metadata: Record<string, string> = { ...mapClaims(claims, role.claim_mappings), [RESERVED_METADATA_KEY]: roleName };
  const auth = loginAuth(role.token, { displayName: alias, alias, metadata });
  return { ...auth, groupAliases: groupsClaimValues(claims, role.groups_claim), internal: { role: roleName } };
}
