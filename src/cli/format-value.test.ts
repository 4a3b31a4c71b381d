import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatQuotedList, formatValue, humanDuration } from './format-value.js';
import { renderKeyValue, renderTable } from './render-table.js';
import { padEqualSigns, headerFor } from './kv-output.js';

test('values print like Go %v, as Vault shows them', () => {
  assert.equal(formatValue('x'), 'x');
  assert.equal(formatValue(3), '3');
  assert.equal(formatValue(false), 'false');
  assert.equal(formatValue(null), '<nil>');
  assert.equal(formatValue(['a', 'b']), '[a b]');
  assert.equal(formatValue({ b: 1, a: ['x'] }), 'map[a:[x] b:1]');
  assert.equal(formatQuotedList(['default', 'root']), '["default" "root"]');
  assert.equal(formatQuotedList([]), '[]');
});

test('durations drop trailing zero units like Vault humanDuration', () => {
  assert.equal(humanDuration(2764800), '768h');
  assert.equal(humanDuration(3600), '1h');
  assert.equal(humanDuration(3660), '1h1m');
  assert.equal(humanDuration(3601), '1h0m1s');
  assert.equal(humanDuration(90), '1m30s');
  assert.equal(humanDuration(60), '1m');
  assert.equal(humanDuration(5), '5s');
  assert.equal(humanDuration(0), '0s');
});

test('tables use four-space glue, dashed headers and n/a for empty cells', () => {
  assert.equal(renderKeyValue([['created_time', 't'], ['deletion_time', '']]), 'Key              Value\n---              -----\ncreated_time     t\ndeletion_time    n/a');
  assert.equal(renderTable(['Keys'], [['a'], ['b/']]), 'Keys\n----\na\nb/');
});

test('section banners are padded with equal signs like Vault', () => {
  assert.equal(headerFor('Data', { foo: 'bar' }), '=== Data ===');
  assert.equal(headerFor('Metadata', { custom_metadata: null }), '======= Metadata =======');
  assert.equal(padEqualSigns('Secret Path', 'secret/data/creds'.length), '== Secret Path ==');
  assert.equal(padEqualSigns('Secret Path', 'secret/data/foo'.length), '= Secret Path =');
});

test('secret tables print TTL-like fields as durations (Vault OutputSecret)', async () => {
  const { secretRows } = await import('./output.js');
  const { rows } = secretRows({ data: { ttl: 3600, creation_ttl: 2764800, period: 0, num_uses: 0, policies: ['root'] } });
  assert.deepEqual(rows, [
    ['creation_ttl', '768h'],
    ['num_uses', '0'],
    ['period', '0s'],
    ['policies', '[root]'],
    ['ttl', '1h'],
  ]);
});
