import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deletablePolicyName, normalizePolicyName, writablePolicyName } from './policy-name.js';

test('names are trimmed and lower-cased', () => {
  assert.equal(normalizePolicyName('  Dev-Team '), 'dev-team');
});

test('invalid names are refused', () => {
  assert.throws(() => normalizePolicyName('  '), /must be provided/);
  assert.throws(() => normalizePolicyName('a/b'), /invalid character/);
  assert.throws(() => normalizePolicyName('a\nb'), /invalid character/);
  assert.throws(() => normalizePolicyName('x'.repeat(129)), /longer than 128/);
});

test('root cannot be written or deleted; default cannot be deleted', () => {
  assert.throws(() => writablePolicyName('ROOT'), /cannot update root policy/);
  assert.throws(() => deletablePolicyName('root'), /cannot delete root policy/);
  assert.throws(() => deletablePolicyName(' Default'), /cannot delete default policy/);
  assert.equal(writablePolicyName('Default'), 'default');
  assert.equal(deletablePolicyName('ops'), 'ops');
});
