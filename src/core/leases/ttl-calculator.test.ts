import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ArcaError } from '../../lib/errors.js';
import { calculateTtl } from './ttl-calculator.js';
import type { TtlInput } from './ttl-calculator.js';

const T0 = Date.UTC(2026, 0, 1);
const base: TtlInput = { now: T0, startTime: T0, increment: 0, backendTtl: 0, period: 0, backendMaxTtl: 0, explicitMaxTtl: 0, defaultTtl: 3600, maxTtl: 7200 };

test('increment, then backend ttl, then the mount default', () => {
  assert.equal(calculateTtl(base).ttl, 3600);
  assert.equal(calculateTtl({ ...base, backendTtl: 600 }).ttl, 600);
  assert.equal(calculateTtl({ ...base, backendTtl: 600, increment: 900 }).ttl, 900);
});

test('capped by what is left of the max ttl since start, with a warning', () => {
  const r = calculateTtl({ ...base, now: T0 + 7000_000, increment: 3600 });
  assert.equal(r.ttl, 200);
  assert.match(r.warnings[0] ?? '', /capped/);
  assert.equal(calculateTtl({ ...base, backendMaxTtl: 100, increment: 3600 }).ttl, 100);
  assert.equal(calculateTtl({ ...base, explicitMaxTtl: 50, increment: 3600 }).ttl, 50);
  assert.throws(() => calculateTtl({ ...base, now: T0 + 7200_000 }), (e: unknown) => e instanceof ArcaError && e.status === 400);
});

test('period renews to the period forever, capped by the mount max and the explicit max', () => {
  assert.equal(calculateTtl({ ...base, period: 600, now: T0 + 1_000_000_000 }).ttl, 600);
  assert.equal(calculateTtl({ ...base, period: 9000 }).ttl, 7200);
  assert.equal(calculateTtl({ ...base, period: 600, explicitMaxTtl: 1000, now: T0 + 900_000 }).ttl, 100);
});

test('property: never beyond max from start, never negative', () => {
  fc.assert(
    fc.property(fc.nat(10_000), fc.nat(10_000), fc.nat(10_000), fc.integer({ min: 1, max: 10_000 }), (elapsed, increment, backendTtl, maxTtl) => {
      fc.pre(elapsed < maxTtl);
      const r = calculateTtl({ ...base, now: T0 + elapsed * 1000, increment, backendTtl, maxTtl, defaultTtl: 60 });
      assert.ok(r.ttl > 0);
      assert.ok(elapsed + r.ttl <= maxTtl);
    }),
  );
});
