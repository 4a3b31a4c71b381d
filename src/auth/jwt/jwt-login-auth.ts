// src/auth/jwt — turns the validated claims of a login into the ResponseAuth the core mints
// a token from (shared with the OIDC callback). Alias name and display name = the
// user_claim's value; metadata = `role` plus claim_mappings; the groups_claim's groups are
// carried as `metadata.groups` (comma-joined) until identity group aliases exist.
import type { ResponseAuth } from '../../framework/logical.js';
import { loginAuth } from '../token-fields.js';
import { groupsClaimValues, mapClaims, RESERVED_METADATA_KEY, userClaimValue } from './jwt-claims.js';
import type { Claims } from './jwt-claims.js';
import type { JwtRole } from './jwt-role-store.js';

export const GROUPS_METADATA_KEY = 'groups';

export function buildJwtLoginAuth(roleName: string, role: JwtRole, claims: Claims): ResponseAuth {
  const alias = userClaimValue(claims, role.user_claim, role.user_claim_json_pointer);
  const metadata: Record<string, string> = { ...mapClaims(claims, role.claim_mappings), [RESERVED_METADATA_KEY]: roleName };
  if (role.groups_claim !== '') {
    const groups = groupsClaimValues(claims, role.groups_claim);
    if (groups.length > 0) metadata[GROUPS_METADATA_KEY] = groups.join(',');
  }
  const auth = loginAuth(role.token, { displayName: alias, alias, metadata });
  return { ...auth, internal: { role: roleName } };
}
