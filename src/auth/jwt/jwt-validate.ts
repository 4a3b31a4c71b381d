// src/auth/jwt — the registered-claim checks of a signature-verified token against the
// mount config and a role, in Vault's order: iss, sub, exp/nbf/iat (with the role's
// leeways), aud, then bound_claims. Throws ArcaError('invalid_request') naming the failing
// check; never echoes the token or a claim's value.
import { ArcaError } from '../../lib/errors.js';
import { checkBoundClaims } from './jwt-claims.js';
import type { Claims } from './jwt-claims.js';
import type { JwtConfig } from './jwt-config-store.js';
import { effectiveLeeways } from './jwt-role-store.js';
import type { JwtRole } from './jwt-role-store.js';

export interface ClaimCheckInput {
  readonly claims: Claims;
  readonly config: JwtConfig;
  readonly role: JwtRole;
  /** With OIDC discovery: the provider's issuer, which `iss` must equal. */
  readonly discoveredIssuer: string | undefined;
  /** Milliseconds since the epoch (the backend's Clock). */
  readonly now: number;
}

const invalidClaims = (reason: string): ArcaError => new ArcaError('invalid_request', `error validating claims: ${reason}`);

export function validateJwtClaims(input: ClaimCheckInput): void {
  const { claims, config, role } = input;
  const iss = claims['iss'];
  if (input.discoveredIssuer !== undefined && iss !== input.discoveredIssuer) throw invalidClaims('invalid issuer (iss) claim');
  if (config.bound_issuer !== '' && iss !== config.bound_issuer) throw invalidClaims('invalid issuer (iss) claim');
  if (role.bound_subject !== '' && claims['sub'] !== role.bound_subject) throw invalidClaims('invalid subject (sub) claim');
  checkTimes(claims, role, input.now / 1000);
  checkAudience(claims, role);
  checkBoundClaims(claims, role.bound_claims, role.bound_claims_type);
}

function numericClaim(claims: Claims, name: string): number | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidClaims(`invalid ${name} claim: not a number`);
  return value;
}

function checkTimes(claims: Claims, role: JwtRole, nowSeconds: number): void {
  const leeway = effectiveLeeways(role);
  const exp = numericClaim(claims, 'exp');
  if (exp === undefined) throw invalidClaims('exp claim is required');
  if (nowSeconds > exp + leeway.clockSkew + leeway.expiration) throw invalidClaims('token is expired (exp)');
  const nbf = numericClaim(claims, 'nbf');
  if (nbf !== undefined && nowSeconds < nbf - leeway.clockSkew - leeway.notBefore) {
    throw invalidClaims('token not valid yet (nbf)');
  }
  const iat = numericClaim(claims, 'iat');
  if (iat !== undefined && nowSeconds < iat - leeway.clockSkew) throw invalidClaims('token issued in the future (iat)');
}

function checkAudience(claims: Claims, role: JwtRole): void {
  const raw = claims['aud'];
  const aud = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((a): a is string => typeof a === 'string') : [];
  if (role.bound_audiences.length === 0) {
    if (aud.length > 0 && role.role_type === 'jwt') throw invalidClaims('audience claim found in JWT but no audiences bound to the role');
    return;
  }
  if (!aud.some((a) => role.bound_audiences.includes(a))) {
    throw invalidClaims('invalid audience (aud) claim: audience claim does not match any expected audience');
  }
}
