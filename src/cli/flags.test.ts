import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags, UsageError } from './flags.js';

const specs = {
  format: { kind: 'string', default: 'table' },
  yes: { kind: 'bool', short: 'y' },
  n: { kind: 'int' },
  policy: { kind: 'list', default: ['default'] },
} as const;

test('accepts Go-style and GNU-style flags', () => {
  const a = parseFlags(['-format=json', '--n', '3', 'x', '-y', '-policy=a', '--policy', 'b', '--', '-z'], specs);
  assert.equal(a.flags.format, 'json');
  assert.equal(a.flags.n, 3);
  assert.equal(a.flags.yes, true);
  assert.deepEqual(a.flags.policy, ['a', 'b']);
  assert.deepEqual(a.positional, ['x', '-z']);
});

test('defaults apply and unknown flags are usage errors', () => {
  const a = parseFlags([], specs);
  assert.equal(a.flags.format, 'table');
  assert.deepEqual(a.flags.policy, ['default']);
  assert.throws(() => parseFlags(['-nope'], specs), UsageError);
  assert.throws(() => parseFlags(['-n=x'], specs), UsageError);
  assert.throws(() => parseFlags(['-format'], specs), UsageError);
});
