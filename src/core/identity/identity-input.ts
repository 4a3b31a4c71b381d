// src/core/identity — bounds and normalisation for everything an operator or an auth
// method hands to identity: names, policy lists, metadata maps, id lists. Every value is
// bounded so one request cannot grow a record without limit; messages quote names only.
import { ArcaError } from '../../lib/errors.js';

const MAX_NAME = 512;
const MAX_POLICIES = 256;
const MAX_POLICY_NAME = 128;
const MAX_METADATA_KEYS = 64;
const MAX_METADATA_KEY = 128;
const MAX_METADATA_VALUE = 512;
const MAX_MEMBERS = 10_000;
/** Group names one login may report (Azure AD, for one, stops listing groups at 200). */
export const MAX_LOGIN_GROUPS = 1024;

function bad(message: string): ArcaError {
  return new ArcaError('invalid_request', message);
}

export const identityInput = {
  name(value: string, what: string): string {
    const name = value.trim();
    if (name === '') throw bad(`${what} name cannot be empty`);
    if (name.length > MAX_NAME) throw bad(`${what} name must be at most ${MAX_NAME} characters`);
    if ([...name].some((c) => c.charCodeAt(0) < 0x20)) throw bad(`${what} name must not contain control characters`);
    return name;
  },

  /**
   * Trimmed, lower-cased (as the policy store names them), de-duplicated, sorted. `root` is
   * refused: identity must never be a back door to an unrestricted token.
   */
  policies(values: readonly string[]): string[] {
    if (values.length > MAX_POLICIES) throw bad(`at most ${MAX_POLICIES} policies are allowed`);
    const out = new Set<string>();
    for (const raw of values) {
      const p = raw.trim().toLowerCase();
      if (p === '') continue;
      if (p.length > MAX_POLICY_NAME) throw bad(`policy names must be at most ${MAX_POLICY_NAME} characters`);
      if (p === 'root') throw bad('the "root" policy cannot be attached through identity');
      out.add(p);
    }
    return [...out].sort();
  },

  metadata(values: Readonly<Record<string, string>>): Record<string, string> {
    const entries = Object.entries(values);
    if (entries.length > MAX_METADATA_KEYS) throw bad(`metadata may have at most ${MAX_METADATA_KEYS} keys`);
    const out: Record<string, string> = {};
    for (const [k, v] of entries) {
      if (k === '' || k.length > MAX_METADATA_KEY) throw bad(`metadata keys must be 1 to ${MAX_METADATA_KEY} characters`);
      if (v.length > MAX_METADATA_VALUE) throw bad(`metadata value of key ${JSON.stringify(k)} must be at most ${MAX_METADATA_VALUE} characters`);
      out[k] = v;
    }
    return out;
  },

  /**
   * The group names a login reported, as a set matched exactly against group alias names.
   * A name no alias could have (empty, too long, control characters) is skipped, not refused:
   * the identity provider's other groups are none of Arca's business.
   */
  groupNames(values: readonly string[]): Set<string> {
    if (values.length > MAX_LOGIN_GROUPS) throw bad(`the login reported ${values.length} groups; at most ${MAX_LOGIN_GROUPS} are supported`);
    const out = new Set<string>();
    for (const name of values) {
      if (name === '' || name.length > MAX_NAME || name.trim() !== name) continue;
      if ([...name].some((c) => c.charCodeAt(0) < 0x20)) continue;
      out.add(name);
    }
    return out;
  },

  ids(values: readonly string[], what: string): string[] {
    if (values.length > MAX_MEMBERS) throw bad(`at most ${MAX_MEMBERS} ${what} are allowed`);
    const out = new Set<string>();
    for (const raw of values) {
      const id = raw.trim();
      if (id === '') continue;
      if (id.length > MAX_NAME) throw bad(`${what} must be at most ${MAX_NAME} characters each`);
      out.add(id);
    }
    return [...out].sort();
  },
};

export function sameStringMap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
