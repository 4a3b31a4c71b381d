import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock.js';
import { AddressThrottle } from './address-throttle.js';

test('an address is blocked at the limit until its oldest failure leaves the window', () => {
  const clock = new FakeClock();
  const throttle = new AddressThrottle(clock, { limit: 3, windowMs: 1000 });
  throttle.fail('10.0.0.1');
  clock.advance(400);
  throttle.fail('10.0.0.1');
  assert.equal(throttle.blocked('10.0.0.1'), false);
  throttle.fail('10.0.0.1');
  assert.equal(throttle.blocked('10.0.0.1'), true);
  assert.equal(throttle.blocked('10.0.0.2'), false, 'per address');
  clock.advance(599);
  assert.equal(throttle.blocked('10.0.0.1'), true, 'the first failure is still inside the window');
  clock.advance(1);
  assert.equal(throttle.blocked('10.0.0.1'), false, 'the first failure left the window');
});

test('past maxAddresses the address that failed least recently is forgotten first', () => {
  const clock = new FakeClock();
  const throttle = new AddressThrottle(clock, { limit: 2, windowMs: 60_000, maxAddresses: 3 });
  for (const address of ['a', 'b', 'c']) {
    throttle.fail(address);
    throttle.fail(address);
  }
  throttle.fail('a'); // a is now the most recent
  // Many new addresses pass through, each evicting the oldest one tracked.
  throttle.fail('d');
  assert.equal(throttle.blocked('b'), false, 'b was the least recent: forgotten');
  assert.equal(throttle.blocked('a'), true);
  assert.equal(throttle.blocked('c'), true);
  throttle.fail('e');
  assert.equal(throttle.blocked('c'), false, 'then c');
  assert.equal(throttle.blocked('a'), true, 'a stays: it failed after b and c');
  for (let i = 0; i < 10_000; i++) throttle.fail(`x${i}`);
  assert.equal(throttle.blocked('a'), false, 'a busy spell evicts everyone older');
  throttle.fail('x9999');
  assert.equal(throttle.blocked('x9999'), true, 'the newest addresses are still tracked');
});
