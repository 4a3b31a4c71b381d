import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressAllowed, parseCidrs } from './cidr-list.js';
import { loginAuth, mergeTokenParams, DEFAULT_TOKEN_PARAMS } from './token-fields.js';

test('CIDR parsing and matching (IPv4, IPv6, mapped, bare addresses)', () => {
  assert.deepEqual(parseCidrs(['10.0.0.0/8', '127.0.0.1', '::1'], 'f'), ['10.0.0.0/8', '127.0.0.1/32', '::1/128']);
  assert.throws(() => parseCidrs(['10.0.0.0/33'], 'token_bound_cidrs'), /token_bound_cidrs/);
  assert.throws(() => parseCidrs(['nope'], 'f'), /invalid CIDR/);
  assert.throws(() => parseCidrs(['1.2.3.4/8/9'], 'f'), /invalid CIDR/);
  assert.equal(addressAllowed([], '8.8.8.8'), true);
  assert.equal(addressAllowed(['10.0.0.0/8'], '10.1.2.3'), true);
  assert.equal(addressAllowed(['10.0.0.0/8'], '::ffff:10.1.2.3'), true);
  assert.equal(addressAllowed(['10.0.0.0/8'], '11.0.0.1'), false);
  assert.equal(addressAllowed(['::1/128'], '::1'), true);
  assert.equal(addressAllowed(['127.0.0.1/32'], ''), false);
});

test('token params merge and become a login ResponseAuth', () => {
  const p = mergeTokenParams(DEFAULT_TOKEN_PARAMS, { token_policies: ['B', 'a'], token_ttl: 60, token_bound_cidrs: ['10.0.0.1'] });
  assert.deepEqual(p.token_policies, ['a', 'b']);
  assert.deepEqual(p.token_bound_cidrs, ['10.0.0.1/32']);
  assert.throws(() => mergeTokenParams(p, { token_max_ttl: 30 }), /token_ttl/);
  const auth = loginAuth(p, { displayName: 'userpass-bob', alias: 'bob' });
  assert.deepEqual(auth.policies, ['a', 'b', 'default']);
  assert.equal(auth.ttl, 60);
  assert.equal(auth.alias?.name, 'bob');
});
