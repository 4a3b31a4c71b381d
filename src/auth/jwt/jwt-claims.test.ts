import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ArcaError } from '../../lib/errors.js';
import {
  checkBoundClaims,
  getClaim,
  globMatch,
  groupsClaimValues,
  mapClaims,
  parseBoundClaims,
  parseClaimMappings,
  userClaimValue,
} from './jwt-claims.js';

const claims = {
  sub: 'repo:org/app:ref:refs/heads/main',
  'https://example.com/tenant': 'acme',
  a: { b: { c: 'deep' }, 'x/y': 'slash', list: ['p', 'q'] },
  'a.b': 'literal-dotted',
  groups: ['admins', 'ops'],
  n: 7,
  flag: true,
  nested: { k: 1 },
};

test('getClaim: top-level keys, JSON pointers, dotted fallback', () => {
  assert.equal(getClaim(claims, 'sub'), claims.sub);
  assert.equal(getClaim(claims, 'https://example.com/tenant'), 'acme');
  assert.equal(getClaim(claims, '/a/b/c'), 'deep');
  assert.equal(getClaim(claims, '/a/x~1y'), 'slash');
  assert.equal(getClaim(claims, '/a/list/1'), 'q');
  assert.equal(getClaim(claims, '/a/list/9'), undefined);
  assert.equal(getClaim(claims, 'a.b'), 'literal-dotted'); // the literal key wins
  assert.equal(getClaim(claims, 'a.b.c'), 'deep');
  assert.equal(getClaim(claims, '/missing/x'), undefined);
  assert.equal(getClaim(claims, 'toString'), undefined); // no prototype lookups
  assert.equal(getClaim(claims, '/a/constructor'), undefined);
});

test('globMatch: * only, anchored at both ends', () => {
  assert.equal(globMatch('repo:org/app:*', 'repo:org/app:ref:refs/heads/main'), true);
  assert.equal(globMatch('repo:org/app:*', 'repo:org/app-fork:ref:refs/heads/main'), false);
  assert.equal(globMatch('*:ref:refs/heads/main', 'repo:org/app:ref:refs/heads/main'), true);
  assert.equal(globMatch('a*b*c', 'abc'), true);
  assert.equal(globMatch('a*a', 'a'), false);
  assert.equal(globMatch('a?c', 'abc'), false);
  assert.equal(globMatch('*', ''), true);
  assert.equal(globMatch('exact', 'exact'), true);
});

test('globMatch agrees with an equivalent regular expression', () => {
  const piece = fc.stringMatching(/^[ab:]{0,4}$/);
  fc.assert(
    fc.property(fc.array(piece, { minLength: 1, maxLength: 4 }), fc.stringMatching(/^[ab:]{0,10}$/), (parts, value) => {
      const pattern = parts.join('*');
      const re = new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
      assert.equal(globMatch(pattern, value), re.test(value));
    }),
  );
});

test('checkBoundClaims: exact and glob, lists on either side, missing claims', () => {
  checkBoundClaims(claims, { sub: [claims.sub] }, 'string');
  checkBoundClaims(claims, { groups: ['nobody', 'ops'] }, 'string');
  checkBoundClaims(claims, { '/a/b/c': ['deep'], n: ['7'] }, 'string');
  checkBoundClaims(claims, { sub: ['repo:org/app:*'] }, 'glob');
  const err = (fn: () => void): string => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof ArcaError);
      assert.equal(e.status, 400);
      return e.message;
    }
    throw new Error('expected a failure');
  };
  assert.match(err(() => checkBoundClaims(claims, { sub: ['repo:org/app:*'] }, 'string')), /does not match any associated bound claim values/);
  assert.match(err(() => checkBoundClaims(claims, { sub: ['repo:org/other:*'] }, 'glob')), /"sub" does not match/);
  assert.match(err(() => checkBoundClaims(claims, { team: ['x'] }, 'string')), /claim "team" is missing/);
  assert.match(err(() => checkBoundClaims(claims, { nested: ['x'] }, 'string')), /not a string or list/);
});

test('bound_claims and claim_mappings validation', () => {
  assert.deepEqual(parseBoundClaims({ sub: 'x', groups: ['a', 'b'] }), { sub: ['x'], groups: ['a', 'b'] });
  assert.throws(() => parseBoundClaims({ sub: { nested: 1 } }), /not a string or list/);
  assert.throws(() => parseClaimMappings({ email: 'role' }), /reserved/);
  assert.throws(() => parseClaimMappings({ email: 'e', mail: 'e' }), /multiple keys are mapped to metadata key "e"/);
});

test('mapClaims, userClaimValue and groupsClaimValues', () => {
  assert.deepEqual(mapClaims(claims, { sub: 'subject', n: 'n', flag: 'flag', nested: 'nested', gone: 'gone', '/a/b/c': 'c' }), {
    subject: claims.sub,
    n: '7',
    flag: 'true',
    nested: '{"k":1}',
    c: 'deep',
  });
  assert.equal(userClaimValue(claims, 'sub', false), claims.sub);
  assert.equal(userClaimValue(claims, 'n', false), '7');
  assert.equal(userClaimValue(claims, '/a/b/c', true), 'deep');
  assert.throws(() => userClaimValue(claims, '/a/b/c', false), /not found in token/);
  assert.throws(() => userClaimValue(claims, 'nested', false), /could not be converted to string/);
  assert.deepEqual(groupsClaimValues(claims, 'groups'), ['admins', 'ops']);
  assert.deepEqual(groupsClaimValues(claims, 'missing'), []);
  assert.deepEqual(groupsClaimValues(claims, ''), []);
  assert.throws(() => groupsClaimValues(claims, 'nested'), /could not be converted to string list/);
});
