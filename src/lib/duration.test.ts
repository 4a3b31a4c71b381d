import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from './duration.js';

test('parses Vault durations', () => {
  assert.equal(parseDuration('90s'), 90);
  assert.equal(parseDuration('1h30m'), 5400);
  assert.equal(parseDuration('768h'), 768 * 3600);
  assert.equal(parseDuration('2d'), 172800);
  assert.equal(parseDuration('3600'), 3600);
  assert.equal(parseDuration(42), 42);
  assert.equal(parseDuration(''), 0);
  assert.equal(parseDuration('1x'), undefined);
  assert.equal(parseDuration('h'), undefined);
  assert.equal(parseDuration(-1), undefined);
  assert.equal(formatDuration(768 * 3600), '768h0m0s');
  assert.equal(formatDuration(61), '1m1s');
});
