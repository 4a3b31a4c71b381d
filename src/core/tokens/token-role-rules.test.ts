import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaError } from '../../lib/errors.js';
import { applyTokenRole, globMatch, roleAllowsEntityAlias, roleRenewalTerms, rolePolicies } from './token-role-rules.js';
import type { TokenEntry } from './token-entry.js';
import { mergeTokenRole, tokenRoleFields } from './token-role-store.js';
import type { TokenRole, TokenRoleFieldValues } from './token-role-store.js';

/** A role as a write of `sent` would store it. */
function role(sent: Record<string, unknown>, name = 'r'): TokenRole {
  const values = Object.fromEntries(
    Object.entries(tokenRoleFields).map(([k, f]) => [k, f.parse(k === 'role_name' ? name : sent[k], k)]),
  ) as TokenRoleFieldValues;
  return mergeTokenRole(name, undefined, values);
}

const bad = (pattern: RegExp) => (e: unknown) => e instanceof ArcaError && e.status === 400 && pattern.test(e.message);

test('globMatch: * anywhere, any number of times; nothing else is special', () => {
  assert.equal(globMatch('dev-*', 'dev-a'), true);
  assert.equal(globMatch('dev-*', 'dev-'), true);
  assert.equal(globMatch('dev-*', 'prod-a'), false);
  assert.equal(globMatch('*-prod', 'app-prod'), true);
  assert.equal(globMatch('team-*-ro', 'team-x-ro'), true);
  assert.equal(globMatch('team-*-ro', 'team-ro'), false);
  assert.equal(globMatch('a*a', 'a'), false);
  assert.equal(globMatch('*', ''), true);
  assert.equal(globMatch('a.b', 'axb'), false);
  assert.equal(globMatch('exact', 'exact'), true);
  assert.equal(globMatch('exact', 'exactly'), false);
});

test('allowed_policies: none requested gives the role\'s list plus default; others must be a subset', () => {
  const r = role({ allowed_policies: 'App,db' });
  assert.deepEqual(r.allowed_policies, ['app', 'db']);
  assert.deepEqual(rolePolicies(r, undefined, false, ['root']), ['app', 'db', 'default']);
  assert.deepEqual(rolePolicies(r, ['DB'], false, []), ['db', 'default']);
  assert.deepEqual(rolePolicies(r, ['db', 'default'], false, []), ['db', 'default']);
  assert.deepEqual(rolePolicies(r, ['db'], true, []), ['db']);
  assert.throws(() => rolePolicies(r, ['admin'], false, ['admin']), bad(/must be subset of the role's allowed policies/));
});

test('allowed_policies_glob admits matching names; the empty request gets only default', () => {
  const r = role({ allowed_policies_glob: ['ci-*'] });
  assert.deepEqual(rolePolicies(r, ['ci-build', 'CI-deploy'], false, []), ['ci-build', 'ci-deploy', 'default']);
  assert.deepEqual(rolePolicies(r, undefined, false, ['p']), ['default']);
  assert.throws(() => rolePolicies(r, ['cd-x'], false, []), bad(/subset/));
});

test('disallowed lists refuse names and globs; disallowing default keeps it off', () => {
  const r = role({ disallowed_policies: ['admin', 'default'], disallowed_policies_glob: ['prod-*'] });
  assert.deepEqual(rolePolicies(r, ['dev'], false, []), ['dev']);
  // No allowed list: the parent's policies when none are requested (not a subset check).
  assert.deepEqual(rolePolicies(r, undefined, false, ['dev', 'qa']), ['dev', 'qa']);
  assert.throws(() => rolePolicies(r, ['admin'], false, []), bad(/token policy "admin" is disallowed by this role/));
  assert.throws(() => rolePolicies(r, ['prod-db'], false, []), bad(/"prod-db" is disallowed/));
  assert.throws(() => rolePolicies(r, ['default'], false, []), bad(/"default" is disallowed/));
  assert.throws(() => rolePolicies(r, undefined, false, ['admin']), bad(/disallowed/));
  const both = role({ allowed_policies: ['a', 'b'], disallowed_policies: ['b'] });
  assert.throws(() => rolePolicies(both, undefined, false, []), bad(/"b" is disallowed/));
  const globDefault = role({ disallowed_policies_glob: ['def*'] });
  assert.deepEqual(rolePolicies(globDefault, ['x'], false, []), ['x']);
});

test('applyTokenRole: orphan, renewable, lesser period and explicit max, num_uses, cidrs, path', () => {
  const r = role({ allowed_policies: ['app'], orphan: true, renewable: false, token_period: '1h', token_explicit_max_ttl: '10h', token_num_uses: 5, token_bound_cidrs: ['10.0.0.0/8'], path_suffix: 'v2' }, 'ci');
  const { params, warnings } = applyTokenRole(r, { renewable: true }, ['default', 'other']);
  assert.deepEqual(params.policies, ['app', 'default']);
  assert.equal(params.orphan, true);
  assert.equal(params.renewable, false);
  assert.equal(params.period, 3600);
  assert.equal(params.explicitMaxTtl, 36000);
  assert.equal(params.numUses, 5);
  assert.deepEqual(params.boundCidrs, ['10.0.0.0/8']);
  assert.equal(params.path, 'auth/token/create/ci/v2');
  assert.deepEqual(params.role, { name: 'ci', orphan: true, decidesPolicies: true });
  assert.deepEqual(warnings, []);

  const lesser = applyTokenRole(r, { period: 60, explicitMaxTtl: 99_999, numUses: 2 }, []);
  assert.equal(lesser.params.period, 60);
  assert.equal(lesser.params.explicitMaxTtl, 36000);
  assert.equal(lesser.params.numUses, 2);
  assert.equal(lesser.warnings.length, 2);
  assert.match(lesser.warnings[0] ?? '', /Period specified both .* lesser value of 60 seconds/);
});

test('a role without policy lists leaves policies to the usual rules; token_no_default_policy applies', () => {
  const r = role({ token_no_default_policy: true }, 'plain');
  const { params } = applyTokenRole(r, { policies: ['x'] }, ['x']);
  assert.deepEqual(params.policies, ['x']);
  assert.equal(params.noDefaultPolicy, true);
  assert.equal(params.orphan, false);
  assert.equal(params.path, 'auth/token/create/plain');
  assert.equal(params.role?.decidesPolicies, false);
});

test('role writes validate: batch type, path_suffix, CIDRs, list bounds', () => {
  assert.throws(() => role({ token_type: 'batch' }), bad(/token_type "batch" is not supported/));
  assert.throws(() => role({ token_type: 'default-batch' }), bad(/not supported/));
  assert.throws(() => role({ token_type: 'weird' }), bad(/token_type/));
  assert.equal(role({ token_type: 'service' }).token_type, 'service');
  assert.equal(role({}).token_type, 'default-service');
  assert.throws(() => role({ path_suffix: '../x' }), bad(/'\.\.'/));
  assert.throws(() => role({ path_suffix: 'a b' }), bad(/path_suffix/));
  assert.equal(role({ path_suffix: 'v1/blue' }).path_suffix, 'v1/blue');
  assert.throws(() => role({ token_bound_cidrs: ['nope'] }), bad(/token_bound_cidrs/));
  assert.throws(() => role({ allowed_policies: Array.from({ length: 300 }, (_, i) => `p${i}`) }), bad(/at most 256/));
  assert.equal(role({ period: 30 }).token_period, 30);
  assert.equal(role({ explicit_max_ttl: 40 }).token_explicit_max_ttl, 40);
  // An update keeps the fields it does not send.
  const first = role({ allowed_policies: ['a'], orphan: true });
  const values = Object.fromEntries(Object.entries(tokenRoleFields).map(([k, f]) => [k, f.parse(k === 'role_name' ? 'r' : k === 'renewable' ? false : undefined, k)])) as TokenRoleFieldValues;
  const next = mergeTokenRole('r', first, values);
  assert.deepEqual(next.allowed_policies, ['a']);
  assert.equal(next.orphan, true);
  assert.equal(next.renewable, false);
});

test("roleRenewalTerms: the role's current period; the lesser set explicit max of role and token", () => {
  const token = (explicitMaxTtl: number, period = 0): TokenEntry => ({
    id: 'k', accessor: 'a', policies: ['default'], meta: {}, displayName: 'token', numUses: 0, creationTime: 0, creationTtl: 60,
    ttl: 60, explicitMaxTtl, period, renewable: true, parent: '', orphan: true, path: 'auth/token/create/r', role: 'r',
    entityId: '', type: 'service', boundCidrs: [], expireTime: 60_000, lastRenewalTime: 0,
  });
  assert.deepEqual(roleRenewalTerms(role({ token_period: '1h' }), token(0)), { period: 3600, explicitMaxTtl: 0 });
  // The role's period replaces the token's, also when the role no longer has one.
  assert.deepEqual(roleRenewalTerms(role({ token_period: '2h' }), token(0, 600)), { period: 7200, explicitMaxTtl: 0 });
  assert.deepEqual(roleRenewalTerms(role({}), token(0, 600)), { period: 0, explicitMaxTtl: 0 });
  assert.deepEqual(roleRenewalTerms(role({ token_explicit_max_ttl: '1h' }), token(0)).explicitMaxTtl, 3600);
  assert.deepEqual(roleRenewalTerms(role({ token_explicit_max_ttl: '1h' }), token(1800)).explicitMaxTtl, 1800);
  assert.deepEqual(roleRenewalTerms(role({ token_explicit_max_ttl: '10m' }), token(1800)).explicitMaxTtl, 600);
  assert.deepEqual(roleRenewalTerms(role({}), token(1800)).explicitMaxTtl, 1800);
});

test('roleAllowsEntityAlias: exact names and globs, case-insensitive; no list allows nothing', () => {
  const r = role({ allowed_entity_aliases: ['SVC-*', 'Exact'] });
  assert.deepEqual(r.allowed_entity_aliases, ['exact', 'svc-*']);
  assert.equal(roleAllowsEntityAlias(r, 'svc-a'), true);
  assert.equal(roleAllowsEntityAlias(r, 'Svc-B'), true);
  assert.equal(roleAllowsEntityAlias(r, 'EXACT'), true);
  assert.equal(roleAllowsEntityAlias(r, 'exactly'), false);
  assert.equal(roleAllowsEntityAlias(r, 'db-svc-a'), false);
  assert.equal(roleAllowsEntityAlias(role({}), 'svc-a'), false);
});
