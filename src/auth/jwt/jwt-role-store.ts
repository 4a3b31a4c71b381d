// src/auth/jwt — roles as stored (JSON at `role/<name>` of the mount's storage view). Shared
// read-only with the OIDC browser flow (src/auth/jwt/oidc-*), which imports `readJwtRole`,
// the `JwtRole` type and `effectiveLeeways`. Leeways are stored as Vault takes them: seconds,
// 0 = the default, -1 = no leeway.
import type { StorageReader, StorageWriter } from '../../storage/storage.js';
import type { TokenParams } from '../token-fields.js';
import type { BoundClaims, BoundClaimsType } from './jwt-claims.js';

export const ROLE_PREFIX = 'role/';
/** Vault's GenericNameRegex for role names. */
export const ROLE_NAME_PATTERN = '\\w(?:[\\w.-]*\\w)?';

export type RoleType = 'jwt' | 'oidc';

export interface JwtRole {
  readonly role_type: RoleType;
  readonly bound_audiences: readonly string[];
  readonly bound_subject: string;
  readonly bound_claims_type: BoundClaimsType;
  readonly bound_claims: BoundClaims;
  readonly claim_mappings: Readonly<Record<string, string>>;
  readonly user_claim: string;
  readonly user_claim_json_pointer: boolean;
  readonly groups_claim: string;
  readonly clock_skew_leeway: number;
  readonly expiration_leeway: number;
  readonly not_before_leeway: number;
  readonly allowed_redirect_uris: readonly string[];
  readonly oidc_scopes: readonly string[];
  readonly verbose_oidc_logging: boolean;
  readonly max_age: number;
  readonly token: TokenParams;
}

/** Leeways in seconds after applying Vault's defaults (60 s clock skew, 150 s exp/nbf). */
export interface Leeways {
  readonly clockSkew: number;
  readonly expiration: number;
  readonly notBefore: number;
}

export function effectiveLeeways(role: JwtRole): Leeways {
  const pick = (value: number, fallback: number): number => (value < 0 ? 0 : value === 0 ? fallback : value);
  return {
    clockSkew: pick(role.clock_skew_leeway, 60),
    expiration: pick(role.expiration_leeway, 150),
    notBefore: pick(role.not_before_leeway, 150),
  };
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export async function readJwtRole(storage: StorageReader, name: string): Promise<JwtRole | undefined> {
  const raw = await storage.get(ROLE_PREFIX + name.toLowerCase());
  return raw === undefined ? undefined : (JSON.parse(decoder.decode(raw)) as JwtRole);
}

export async function writeJwtRole(storage: StorageWriter, name: string, role: JwtRole): Promise<void> {
  await storage.put(ROLE_PREFIX + name.toLowerCase(), encoder.encode(JSON.stringify(role)));
}

export async function deleteJwtRole(storage: StorageWriter, name: string): Promise<void> {
  await storage.delete(ROLE_PREFIX + name.toLowerCase());
}

export async function listJwtRoles(storage: StorageReader): Promise<string[]> {
  return (await storage.list(ROLE_PREFIX)).filter((k) => !k.endsWith('/'));
}
