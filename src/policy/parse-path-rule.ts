// src/policy — turns one `path "<pattern>" { ... }` body into a validated PathRule, with
// Vault's semantics: the legacy `policy = "read"|"write"|"sudo"|"deny"` form adds capabilities,
// `deny` anywhere leaves only deny (and drops parameter rules), parameter names are
// lower-cased, and a max_wrapping_ttl below min_wrapping_ttl is rejected. Contract: throws
// policyParseError naming the path and, when known, the line of the offending key.
import { isHclObject } from './hcl-value.js';
import type { HclItem, HclObject, HclValue } from './hcl-value.js';
import { parseDurationSeconds } from './parse-duration.js';
import { CAPABILITIES } from './policy.js';
import type { Capability, PathRule, PolicyValue } from './policy.js';
import { policyParseError } from './policy-parse-error.js';
import { checkPolicyTemplate } from './render-policy-template.js';

const LEGACY: Readonly<Record<string, readonly Capability[]>> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};
/** Vault keys Arca does not implement: refusing them beats silently granting without them. */
const UNSUPPORTED = new Set([
  'mfa_methods', 'control_group', 'pagination_limit', 'expiration', 'list_scan_response_keys_filter_path',
  'subscribe_event_types',
]);
const MAX_PATTERN_LENGTH = 4096;
const KNOWN_CAPABILITIES: ReadonlySet<string> = new Set(CAPABILITIES);

type Fail = (item: HclItem | undefined, what: string) => never;

function toPolicyValue(value: HclValue): PolicyValue {
  if (Array.isArray(value)) return value.map(toPolicyValue);
  if (!isHclObject(value)) return value;
  const out: Record<string, PolicyValue> = Object.create(null) as Record<string, PolicyValue>;
  for (const item of value.items) out[item.keys.join('.')] = toPolicyValue(item.value);
  return out;
}

function stringList(item: HclItem, fail: Fail): string[] {
  const v = item.value;
  if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string')) {
    return fail(item, `"${item.keys[0] ?? ''}" must be a list of strings`);
  }
  return v;
}

/** Objects given as `k = {..}`, `k {..}` or (from JSON) a list of objects, merged in order. */
function parameterObjects(item: HclItem, fail: Fail): HclObject[] {
  const v = item.value;
  if (isHclObject(v)) return [v];
  if (Array.isArray(v) && v.every((o): o is HclObject => isHclObject(o))) return v;
  return fail(item, `"${item.keys[0] ?? ''}" must be a map of parameter names to lists of values`);
}

function parameterRules(items: readonly HclItem[], fail: Fail): Map<string, PolicyValue[]> | undefined {
  if (items.length === 0) return undefined;
  const rules = new Map<string, PolicyValue[]>();
  for (const item of items) {
    for (const obj of parameterObjects(item, fail)) {
      for (const entry of obj.items) {
        const name = entry.keys.join('.').toLowerCase();
        if (!Array.isArray(entry.value)) fail(entry, `parameter "${name}" must map to a list of values`);
        const values = entry.value.map(toPolicyValue);
        const prior = rules.get(name);
        // As in Vault's merge: an empty list (any value) absorbs every other list for the name.
        rules.set(name, prior === undefined ? values : prior.length === 0 || values.length === 0 ? [] : [...prior, ...values]);
      }
    }
  }
  return rules;
}

function capabilitiesOf(caps: readonly string[], legacy: string | undefined, fail: (what: string) => never): Capability[] {
  const all: string[] = [];
  if (legacy !== undefined) {
    const mapped = LEGACY[legacy];
    if (mapped === undefined) fail(`invalid policy "${legacy}"`);
    if (legacy === 'deny') return ['deny'];
    all.push(...mapped);
  }
  all.push(...caps);
  const out = new Set<Capability>();
  for (const cap of all) {
    if (!KNOWN_CAPABILITIES.has(cap)) fail(`invalid capability "${cap}"`);
    if (cap === 'deny') return ['deny'];
    out.add(cap as Capability);
  }
  return CAPABILITIES.filter((c) => out.has(c));
}

function normalisePattern(raw: string, fail: (what: string) => never): { path: string; templated: boolean } {
  if (raw.length > MAX_PATTERN_LENGTH) fail(`path pattern longer than ${MAX_PATTERN_LENGTH} characters`);
  const path = raw.startsWith('/') ? raw.slice(1) : raw;
  if (path.includes('+*')) fail(`path "${path}": invalid use of wildcards ('+*' is forbidden)`);
  const template = checkPolicyTemplate(path);
  if (template.error !== undefined) fail(`path "${path}": ${template.error}`);
  return { path, templated: template.templated };
}

interface RuleFields {
  caps: string[];
  legacy: string | undefined;
  required: string[];
  minTtl: number;
  maxTtl: number;
  readonly allowed: HclItem[];
  readonly denied: HclItem[];
}

/** Reads the keys of a path body; parameter maps may repeat, every other key appears once. */
function readFields(body: HclObject, fail: Fail): RuleFields {
  const f: RuleFields = { caps: [], legacy: undefined, required: [], minTtl: 0, maxTtl: 0, allowed: [], denied: [] };
  const seen = new Set<string>();
  for (const item of body.items) {
    const key = item.keys[0] ?? '';
    if (item.keys.length !== 1) fail(item, `unexpected labels after "${key}"`);
    if (key === 'allowed_parameters') f.allowed.push(item);
    else if (key === 'denied_parameters') f.denied.push(item);
    else if (seen.has(key)) fail(item, `duplicate key "${key}"`);
    seen.add(key);
    switch (key) {
      case 'comment':
      case 'allowed_parameters':
      case 'denied_parameters':
        break;
      case 'capabilities':
        f.caps = stringList(item, fail);
        break;
      case 'policy':
        if (typeof item.value !== 'string') fail(item, '"policy" must be a string');
        f.legacy = item.value;
        break;
      case 'required_parameters':
        f.required = [...new Set(stringList(item, fail).map((p) => p.toLowerCase()))];
        break;
      case 'min_wrapping_ttl':
      case 'max_wrapping_ttl': {
        const seconds = isHclObject(item.value) ? undefined : parseDurationSeconds(item.value);
        if (seconds === undefined) fail(item, `invalid duration for "${key}"`);
        if (key === 'min_wrapping_ttl') f.minTtl = seconds;
        else f.maxTtl = seconds;
        break;
      }
      default:
        if (UNSUPPORTED.has(key)) fail(item, `"${key}" is not supported`);
        fail(item, `invalid key "${key}"`);
    }
  }
  return f;
}

export function parsePathRule(rawPattern: string, body: HclObject, line: number, column: number): PathRule {
  const { path, templated } = normalisePattern(rawPattern, (what) => {
    throw policyParseError(what, line, column);
  });
  const fail: Fail = (item, what) => {
    throw policyParseError(`path "${path}": ${what}`, item?.line ?? line, item?.column ?? column);
  };
  const f = readFields(body, fail);
  const capabilities = capabilitiesOf(f.caps, f.legacy, (what) => fail(undefined, what));
  if (f.minTtl > 0 && f.maxTtl > 0 && f.maxTtl < f.minTtl) {
    fail(undefined, 'max_wrapping_ttl cannot be less than min_wrapping_ttl');
  }
  const isDeny = capabilities.includes('deny');
  return {
    path,
    capabilities,
    allowedParameters: isDeny ? undefined : parameterRules(f.allowed, fail),
    deniedParameters: isDeny ? undefined : parameterRules(f.denied, fail),
    requiredParameters: isDeny ? [] : f.required,
    minWrappingTtl: isDeny ? 0 : f.minTtl,
    maxWrappingTtl: isDeny ? 0 : f.maxTtl,
    templated,
  };
}
