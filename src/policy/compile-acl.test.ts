import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AclOperation } from './acl.js';
import { compileAcl } from './compile-acl.js';
import { parsePolicy } from './parse-policy.js';

test('same pattern in several policies: capabilities union', () => {
  const a = compileAcl([
    parsePolicy('a', 'path "kv/*" { capabilities = ["read"] }'),
    parsePolicy('b', 'path "kv/*" { capabilities = ["list", "update"] }'),
  ]);
  assert.deepEqual(a.capabilities('kv/x'), ['list', 'read', 'update']);
});

test('deny in any policy wins for that pattern, in either order, and only for it', () => {
  const allow = parsePolicy('a', 'path "kv/*" { capabilities = ["read"] }\npath "kv/open" { capabilities = ["read"] }');
  const deny = parsePolicy('b', 'path "kv/*" { capabilities = ["deny"] }');
  for (const order of [[allow, deny], [deny, allow]]) {
    const a = compileAcl(order);
    assert.deepEqual(a.capabilities('kv/x'), ['deny']);
    assert.equal(a.check({ path: 'kv/x', operation: 'read' }).allowed, false);
    assert.deepEqual(a.capabilities('kv/open'), ['read']);
  }
});

test('parameter lists merge; an empty list absorbs; required parameters union', () => {
  const a = compileAcl([
    parsePolicy('a', 'path "x" {\n capabilities = ["update"]\n allowed_parameters = { "n" = ["1"], "m" = ["a"] }\n required_parameters = ["n"] }'),
    parsePolicy('b', 'path "x" {\n capabilities = ["update"]\n allowed_parameters = { "n" = ["2"], "m" = [], "o" = [] }\n required_parameters = ["o"] }'),
  ]);
  const ok = (data: Record<string, unknown>): boolean => a.check({ path: 'x', operation: 'update', data }).allowed;
  assert.equal(ok({ n: '1', o: 0 }), true);
  assert.equal(ok({ n: '2', o: 0, m: 'anything' }), true);
  assert.equal(ok({ n: '3', o: 0 }), false);
  assert.equal(ok({ n: '1' }), false);
});

test('wrapping bounds merge to the smaller of each', () => {
  const a = compileAcl([
    parsePolicy('a', 'path "x" {\n capabilities = ["read"]\n max_wrapping_ttl = "1h" }'),
    parsePolicy('b', 'path "x" {\n capabilities = ["read"]\n max_wrapping_ttl = "10m" }'),
  ]);
  assert.equal(a.check({ path: 'x', operation: 'read', wrapTtl: 900 }).allowed, false);
  assert.equal(a.check({ path: 'x', operation: 'read', wrapTtl: 300 }).allowed, true);
});

test('templated paths that were not rendered grant nothing', () => {
  const a = compileAcl([parsePolicy('t', 'path "kv/{{identity.entity.id}}/*" { capabilities = ["read"] }')]);
  assert.deepEqual(a.capabilities('kv/{{identity.entity.id}}/x'), ['deny']);
});

// ---------------------------------------------------------------------------------------
// Property test: the compiled ACL agrees with a deliberately naive reference that merges by
// pattern, turns every pattern into a regular expression, and sorts matches by priority.

const OPS: AclOperation[] = ['create', 'read', 'update', 'patch', 'delete', 'list'];
const CAPS = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny'];

interface RefRule {
  readonly pattern: string;
  readonly caps: ReadonlySet<string>;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function refRegex(pattern: string): RegExp {
  const glob = pattern.endsWith('*');
  const body = glob ? pattern.slice(0, -1) : pattern;
  const src = body.split('/').map((seg) => (seg === '+' ? '[^/]*' : escapeRegex(seg))).join('/');
  return new RegExp(`^${src}${glob ? '[\\s\\S]*' : ''}$`);
}

function isWild(pattern: string): boolean {
  return pattern.endsWith('*') || pattern.split('/').includes('+');
}

/** Sort key per the documented rules, higher = wins. */
function refKey(pattern: string): [number, number, number, number, string] {
  const glob = pattern.endsWith('*');
  const body = glob ? pattern.slice(0, -1) : pattern;
  const segs = body.split('/');
  let firstPlus = -1;
  let offset = 0;
  for (const seg of segs) {
    if (seg === '+') {
      firstPlus = offset;
      break;
    }
    offset += seg.length + 1;
  }
  const first = firstPlus >= 0 ? firstPlus : body.length;
  return [first, glob ? 0 : 1, -segs.filter((s) => s === '+').length, body.length, body];
}

function refCompare(a: string, b: string): number {
  const ka = refKey(a);
  const kb = refKey(b);
  for (let i = 0; i < 4; i++) if (ka[i] !== kb[i]) return (ka[i] as number) - (kb[i] as number);
  return ka[4] === kb[4] ? 0 : ka[4] < kb[4] ? -1 : 1;
}

function refMerge(policies: readonly (readonly RefRule[])[]): Map<string, Set<string>> {
  const merged = new Map<string, Set<string>>();
  for (const rule of policies.flat()) {
    const pattern = rule.pattern.startsWith('/') ? rule.pattern.slice(1) : rule.pattern;
    const prior = merged.get(pattern) ?? new Set<string>();
    const next = prior.has('deny') || rule.caps.has('deny') ? new Set(['deny']) : new Set([...prior, ...rule.caps]);
    merged.set(pattern, next);
  }
  return merged;
}

function refBestWild(merged: Map<string, Set<string>>, path: string): Set<string> | undefined {
  const matches = [...merged.keys()].filter((p) => isWild(p) && refRegex(p).test(path));
  matches.sort(refCompare);
  const best = matches[matches.length - 1];
  return best === undefined ? undefined : merged.get(best);
}

/** LIST of "x/": wildcard patterns matching "x" or "x/" weighed together (Vault's resolveACLPermsForListOp). */
function refListWild(merged: Map<string, Set<string>>, trimmed: string, full: string): Set<string> | undefined {
  const matches = [...merged.keys()].filter((p) => isWild(p) && (refRegex(p).test(trimmed) || refRegex(p).test(full)));
  matches.sort(refCompare);
  const last = (ps: string[]): string | undefined => ps[ps.length - 1];
  const deny = last(matches.filter((p) => merged.get(p)?.has('deny')));
  const lister = last(matches.filter((p) => merged.get(p)?.has('list')));
  if (deny !== undefined && (lister === undefined || refCompare(lister, deny) < 0)) return merged.get(deny);
  const best = lister ?? last(matches);
  return best === undefined ? undefined : merged.get(best);
}

function refLookup(merged: Map<string, Set<string>>, rawPath: string, list: boolean): Set<string> | undefined {
  const path = rawPath.replace(/^\/+/, '');
  const exact = (p: string): Set<string> | undefined => (isWild(p) ? undefined : merged.get(p));
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return (
    exact(path) ??
    (list ? exact(trimmed) : undefined) ??
    (list && path.endsWith('/') ? refListWild(merged, trimmed, path) : refBestWild(merged, path))
  );
}

function refCapabilities(caps: Set<string> | undefined): string[] {
  if (caps === undefined || caps.size === 0 || caps.has('deny')) return ['deny'];
  return [...caps].sort();
}

const segment = fc.constantFrom('a', 'b', 'ab', 'ba', '');
const patternArb = fc
  .tuple(fc.array(fc.oneof(segment, fc.constant('+')), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([segs, glob]) => segs.join('/') + (glob ? '*' : ''))
  .filter((p) => !p.includes('+*'));
const ruleArb = fc.record({
  pattern: patternArb,
  caps: fc.uniqueArray(fc.constantFrom(...CAPS), { minLength: 1, maxLength: 4 }).map((c) => new Set(c)),
});
const pathArb = fc
  .tuple(fc.boolean(), fc.array(fc.constantFrom('a', 'b', 'ab', 'abc', 'ba', ''), { minLength: 0, maxLength: 5 }), fc.boolean())
  .map(([lead, segs, trail]) => (lead ? '/' : '') + segs.join('/') + (trail ? '/' : ''));

function policyText(rules: readonly RefRule[]): string {
  return rules.map((r) => `path "${r.pattern}" {\n  capabilities = ${JSON.stringify([...r.caps])}\n}`).join('\n');
}

test('property: compiled ACL matches the naive reference on random policies and paths', () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(ruleArb, { maxLength: 6 }), { minLength: 1, maxLength: 3 }),
      fc.array(pathArb, { minLength: 1, maxLength: 8 }),
      (policies, paths) => {
        const acl = compileAcl(policies.map((rules, i) => parsePolicy(`p${i}`, policyText(rules))));
        const merged = refMerge(policies);
        for (const path of paths) {
          assert.deepEqual(acl.capabilities(path), refCapabilities(refLookup(merged, path, true)), `capabilities(${path})`);
          for (const op of OPS) {
            const caps = refLookup(merged, path, op === 'list');
            const expected = caps !== undefined && !caps.has('deny') && caps.has(op);
            const result = acl.check({ path, operation: op });
            assert.equal(result.allowed, expected, `${op} ${path}`);
            assert.equal(result.rootPrivs, caps?.has('sudo') ?? false, `rootPrivs ${op} ${path}`);
            assert.deepEqual(result.capabilities, refCapabilities(caps));
          }
        }
      },
    ),
    { numRuns: 400 },
  );
});
