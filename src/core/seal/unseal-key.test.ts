import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { ArcaError } from '../../lib/errors.js';
import { decodeUnsealKey } from './unseal-key.js';

const invalid = (pattern: RegExp) => (err: unknown): boolean =>
  err instanceof ArcaError && err.code === 'invalid_request' && pattern.test(err.message);

test('hex and base64 encodings of a share decode to the same bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 33 }), (bytes) => {
      const b = Buffer.from(bytes);
      assert.deepEqual(decodeUnsealKey(b.toString('hex')), b);
      assert.deepEqual(decodeUnsealKey(b.toString('hex').toUpperCase()), b);
      assert.deepEqual(decodeUnsealKey(` ${b.toString('base64')}\n`), b);
    }),
  );
});

test('bad encodings and lengths are refused with Vault-like messages', () => {
  assert.throws(() => decodeUnsealKey(''), invalid(/hex or base64/));
  assert.throws(() => decodeUnsealKey('zz-not-base64!'), invalid(/hex or base64/));
  assert.throws(() => decodeUnsealKey(randomBytes(15).toString('hex')), invalid(/shorter than minimum 16 bytes/));
  assert.throws(() => decodeUnsealKey(randomBytes(34).toString('base64')), invalid(/longer than maximum 33 bytes/));
});
