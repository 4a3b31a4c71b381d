// src/auth/jwt — the claim rules a role applies to a verified token's claims, shared by the
// jwt login and the OIDC browser flow (import read-only): claim lookup (Vault's getClaim: a
// key starting with '/' is a JSON pointer, anything else a top-level key), bound_claims
// matching (exact or '*' glob), claim_mappings to metadata and the user/groups claims.
// Every failure is an ArcaError('invalid_request') naming the claim, never its value.
import { ArcaError } from '../../lib/errors.js';

export type Claims = Readonly<Record<string, unknown>>;
export type BoundClaimsType = 'string' | 'glob';
/** bound_claims as stored: each claim maps to the list of accepted values. */
export type BoundClaims = Readonly<Record<string, readonly string[]>>;

/** The metadata key the login sets to the role name; a claim mapping may not target it. */
export const RESERVED_METADATA_KEY = 'role';

const fail = (message: string): ArcaError => new ArcaError('invalid_request', message);

/**
 * A claim's value, or undefined. '/a/b' is a JSON pointer (RFC 6901, '~1' = '/', '~0' = '~');
 * any other key is looked up literally at the top level and, only when absent there, as a
 * dotted path ("a.b" = claims.a.b).
 */
export function getClaim(claims: Claims, key: string): unknown {
  if (key.startsWith('/')) {
    const segments = key
      .slice(1)
      .split('/')
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
    return walk(claims, segments);
  }
  if (Object.hasOwn(claims, key)) return claims[key];
  return key.includes('.') ? walk(claims, key.split('.')) : undefined;
}

function walk(root: unknown, segments: readonly string[]): unknown {
  let node: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d{0,8})$/.test(segment)) return undefined;
      node = node[Number(segment)];
    } else if (typeof node === 'object' && node !== null && Object.hasOwn(node, segment)) {
      node = (node as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return node;
}

/** Validates and normalises a role's bound_claims as sent (values: a string or a list of strings). */
export function parseBoundClaims(raw: Readonly<Record<string, unknown>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [claim, value] of Object.entries(raw)) {
    const list = scalarList(value);
    if (list === undefined) throw fail(`bound claim is not a string or list of strings: ${JSON.stringify(claim)}`);
    out[claim] = list;
  }
  return out;
}

/** Vault's '*' glob (ryanuber/go-glob): '*' matches any run of characters, nothing else is special. */
export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const parts = pattern.split('*');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!value.startsWith(first) || value.length < first.length + last.length) return false;
  let at = first.length;
  for (const middle of parts.slice(1, -1)) {
    const found = value.indexOf(middle, at);
    if (found < 0) return false;
    at = found + middle.length;
  }
  return value.length - last.length >= at && value.endsWith(last);
}

/** Every bound claim must be present and one of its values must match one accepted value. */
export function checkBoundClaims(claims: Claims, bound: BoundClaims, type: BoundClaimsType): void {
  for (const [claim, expected] of Object.entries(bound)) {
    const actual = getClaim(claims, claim);
    if (actual === undefined || actual === null) throw fail(`claim ${JSON.stringify(claim)} is missing`);
    const values = scalarList(actual);
    if (values === undefined) throw fail(`claim ${JSON.stringify(claim)} is not a string or list of strings`);
    const match = type === 'glob' ? (e: string, a: string) => globMatch(e, a) : (e: string, a: string) => e === a;
    if (!values.some((a) => expected.some((e) => match(e, a)))) {
      throw fail(`claim ${JSON.stringify(claim)} does not match any associated bound claim values`);
    }
  }
}

/** Validates claim_mappings (claim → metadata key): no reserved key, no key mapped twice. */
export function parseClaimMappings(raw: Readonly<Record<string, string>>): Record<string, string> {
  const targets = new Set<string>();
  for (const target of Object.values(raw)) {
    if (target === RESERVED_METADATA_KEY) {
      throw fail(`metadata key ${JSON.stringify(RESERVED_METADATA_KEY)} is reserved and may not be a mapping destination`);
    }
    if (targets.has(target)) throw fail(`multiple keys are mapped to metadata key ${JSON.stringify(target)}`);
    targets.add(target);
  }
  return { ...raw };
}

/**
 * The metadata a login carries from claim_mappings. Missing claims are skipped; strings pass
 * as they are, numbers and booleans as text, lists and objects as JSON (as Vault does).
 */
export function mapClaims(claims: Claims, mappings: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [claim, target] of Object.entries(mappings)) {
    const value = getClaim(claims, claim);
    if (value === undefined || value === null) continue;
    out[target] = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return out;
}

/** The alias name: the user claim's value, which must be a non-empty string (or a number). */
export function userClaimValue(claims: Claims, userClaim: string, jsonPointer: boolean): string {
  const value = jsonPointer ? getClaim(claims, userClaim) : Object.hasOwn(claims, userClaim) ? claims[userClaim] : undefined;
  if (value === undefined || value === null) throw fail(`claim ${JSON.stringify(userClaim)} not found in token`);
  if ((typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value))) {
    return String(value);
  }
  throw fail(`claim ${JSON.stringify(userClaim)} could not be converted to string`);
}

/** The groups named by groups_claim (absent claim = no groups). */
export function groupsClaimValues(claims: Claims, groupsClaim: string): string[] {
  if (groupsClaim === '') return [];
  const value = getClaim(claims, groupsClaim);
  if (value === undefined || value === null) return [];
  const list = scalarList(value);
  if (list === undefined) throw fail(`claim ${JSON.stringify(groupsClaim)} could not be converted to string list`);
  return list.filter((g) => g !== '');
}

/** A string, or a list of strings, numbers or booleans, as a list of strings; else undefined. */
function scalarList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (!Array.isArray(value)) return undefined;
  const out: string[] = [];
  for (const item of value) {
    if (typeof item === 'string') out.push(item);
    else if (typeof item === 'number' || typeof item === 'boolean') out.push(String(item));
    else return undefined;
  }
  return out;
}
