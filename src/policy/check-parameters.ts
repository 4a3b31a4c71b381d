// src/policy — request-body checks of a matched rule (Vault's semantics): every
// required_parameters name must be present; then, if the body is non-empty, a "*" key in
// denied_parameters refuses it, a denied name whose value matches refuses it, and when
// allowed_parameters is set every body key must be listed (or "*" present) with a matching
// value. An empty value list means any value; string values may glob with a leading and/or
// trailing `*`. Body keys are compared lower-cased.
// As current Vault (valueInDeniedParameterList / valueInAllowedParameterList): a list value,
// or a string read as a comma-separated list (fields such as `policies` accept "a,b"), is
// denied when the whole value or any element is denied, and allowed when the whole value or
// each element is allowed; values of `policies` and `token_policies` are compared lower-cased
// (the names they become), so "ROOT" or "dev,root" cannot slip past a denied "root".
// Deliberate difference: an empty list or empty string is allowed only by a direct match,
// where Vault's element-wise check lets it through any allowed list vacuously.
import type { AclPermissions } from './acl-permissions.js';
import type { PolicyValue } from './policy.js';

/** Vault's GlobbedStringsMatch: `*x*` contains, `*x` suffix, `x*` prefix, else equality. */
function globMatch(item: string, value: string): boolean {
  if (item.length < 2) return item === value;
  const head = item.startsWith('*');
  const tail = item.endsWith('*');
  if (head && tail) return value.includes(item.slice(1, -1));
  if (head) return value.endsWith(item.slice(1));
  if (tail) return value.startsWith(item.slice(0, -1));
  return item === value;
}

function deepEqual(a: PolicyValue, b: unknown): boolean {
  if (typeof a !== 'object') return a === b;
  if (b === null || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x: PolicyValue, i) => deepEqual(x, b[i]));
  }
  if (Array.isArray(b)) return false;
  const rec = a as { readonly [key: string]: PolicyValue };
  const other = b as Record<string, unknown>;
  const keys = Object.keys(rec);
  return keys.length === Object.keys(other).length && keys.every((k) => Object.hasOwn(other, k) && deepEqual(rec[k] as PolicyValue, other[k]));
}

function inList(value: unknown, list: readonly PolicyValue[]): boolean {
  for (const item of list) {
    if (typeof item === 'string' && typeof value === 'string' ? globMatch(item, value) : deepEqual(item, value)) return true;
  }
  return false;
}

/** The elements of a list value, or of a string split at commas (trimmed, as Vault's ParseCommaStringSlice). */
function elements(value: unknown): readonly unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' && value !== '') return value.split(',').map((v) => v.trim());
  return undefined;
}

function allowedValue(value: unknown, list: readonly PolicyValue[]): boolean {
  if (list.length === 0 || inList(value, list)) return true;
  const parts = elements(value);
  return parts !== undefined && parts.length > 0 && parts.every((v) => inList(v, list));
}

function deniedValue(value: unknown, list: readonly PolicyValue[]): boolean {
  if (list.length === 0 || inList(value, list)) return true;
  return elements(value)?.some((v) => inList(v, list)) ?? false;
}

const POLICY_NAME_PARAMETERS = new Set(['policies', 'token_policies']);

/** Policy names are stored lower-cased, so their parameters are checked lower-cased too. */
function normalised(key: string, value: unknown): unknown {
  if (!POLICY_NAME_PARAMETERS.has(key.toLowerCase())) return value;
  if (typeof value === 'string') return value.toLowerCase();
  if (Array.isArray(value)) return value.map((v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v));
  return value;
}

export function checkParameters(perms: AclPermissions, data: Readonly<Record<string, unknown>> | undefined): boolean {
  for (const name of perms.requiredParameters) {
    if (data === undefined || !Object.hasOwn(data, name)) return false;
  }
  if (data === undefined) return true;
  const keys = Object.keys(data);
  if (keys.length === 0) return true;
  const denied = perms.deniedParameters;
  if (denied !== undefined && denied.size > 0) {
    if (denied.has('*')) return false;
    for (const key of keys) {
      const list = denied.get(key.toLowerCase());
      if (list !== undefined && deniedValue(normalised(key, data[key]), list)) return false;
    }
  }
  const allowed = perms.allowedParameters;
  if (allowed === undefined || allowed.size === 0) return true;
  const allowedAll = allowed.has('*');
  if (allowedAll && allowed.size === 1) return true;
  for (const key of keys) {
    const list = allowed.get(key.toLowerCase());
    if (list === undefined) {
      if (!allowedAll) return false;
    } else if (!allowedValue(normalised(key, data[key]), list)) {
      return false;
    }
  }
  return true;
}
