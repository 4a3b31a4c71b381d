// Test support: an `assert.rejects`/`assert.throws` validator for an ArcaError with a given
// code and, optionally, a message pattern.
import assert from 'node:assert/strict';
import { ArcaError } from '../../src/lib/errors.js';
import type { ErrorCode } from '../../src/lib/errors.js';

export function isArcaErrorWith(code: ErrorCode, pattern?: RegExp): (err: unknown) => boolean {
  return (err: unknown): boolean => {
    assert.ok(err instanceof ArcaError, `expected ArcaError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}
