// src/policy — parsePolicy: policy text (HCL subset or JSON) → validated Policy.
// Contract: JSON is used when the first non-space character is "{" and the text is valid
// JSON; otherwise the text is HCL. Top-level keys are `name` (ignored) and `path`; paths come
// as blocks (`path "p" { }`), as a map (`path = { "p" = { } }`, JSON's `"path": {"p": {}}`)
// or as a list of such maps. Every failure is ArcaError('invalid_request', "failed to parse
// policy: ..."). The name is stored normalised (trimmed, lower-case) but not checked here.
import { ArcaError } from '../lib/errors.js';
import { parseHcl } from './hcl-parser.js';
import { isHclObject } from './hcl-value.js';
import type { HclItem, HclObject, HclValue } from './hcl-value.js';
import { parsePathRule } from './parse-path-rule.js';
import type { PathRule, Policy } from './policy.js';
import { policyParseError } from './policy-parse-error.js';

/** Policies are configuration, not data: 1 MiB is far beyond any real one. */
export const MAX_POLICY_BYTES = 1024 * 1024;
const MAX_JSON_DEPTH = 32;

function fromJson(value: unknown, depth: number): HclValue {
  if (depth > MAX_JSON_DEPTH) throw policyParseError(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => fromJson(v, depth + 1));
  if (value === null || typeof value !== 'object') throw policyParseError('null values are not supported');
  const items: HclItem[] = Object.entries(value).map(([k, v]) => ({
    keys: [k], value: fromJson(v, depth + 1), line: 0, column: 0,
  }));
  return { kind: 'object', items };
}

function parseDocument(text: string): HclObject {
  if (text.trimStart().startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (json !== undefined) {
      const root = fromJson(json, 0);
      if (!isHclObject(root)) throw policyParseError('does not contain a root object');
      return root;
    }
  }
  return parseHcl(text);
}

/** Each `pattern → body` pair under a `path` item, whichever of the accepted shapes it uses. */
function pathEntries(item: HclItem, out: PathRule[]): void {
  const [, label, extra] = item.keys;
  if (extra !== undefined) throw policyParseError(`too many labels on "path"`, item.line, item.column);
  if (label !== undefined) {
    if (!isHclObject(item.value)) throw policyParseError(`path "${label}": expected an object`, item.line, item.column);
    out.push(parsePathRule(label, item.value, item.line, item.column));
    return;
  }
  const maps = Array.isArray(item.value) ? item.value : [item.value];
  for (const map of maps) {
    if (!isHclObject(map)) throw policyParseError('"path" must map path patterns to objects', item.line, item.column);
    for (const entry of map.items) {
      const [pattern, more] = entry.keys;
      if (pattern === undefined || more !== undefined) {
        throw policyParseError('"path" entries need exactly one pattern', entry.line, entry.column);
      }
      const bodies = Array.isArray(entry.value) ? entry.value : [entry.value];
      for (const body of bodies) {
        if (!isHclObject(body)) throw policyParseError(`path "${pattern}": expected an object`, entry.line, entry.column);
        out.push(parsePathRule(pattern, body, entry.line, entry.column));
      }
    }
  }
}

export function parsePolicy(name: string, text: string): Policy {
  if (Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES) {
    throw new ArcaError('invalid_request', `failed to parse policy: policy is larger than ${MAX_POLICY_BYTES} bytes`);
  }
  const root = parseDocument(text);
  const paths: PathRule[] = [];
  for (const item of root.items) {
    const key = item.keys[0] ?? '';
    if (key === 'path') pathEntries(item, paths);
    else if (key !== 'name') throw policyParseError(`invalid key "${key}"`, item.line, item.column);
  }
  return {
    name: name.trim().toLowerCase(),
    raw: text,
    paths,
    templated: paths.some((p) => p.templated),
  };
}
