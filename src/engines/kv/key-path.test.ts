// Path hygiene for secret paths and listing prefixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkKeyPath, checkListPrefix, MAX_KEY_PATH_BYTES, readableKeyPath } from './key-path.js';

test('accepts ordinary paths, rejects traversal, empty segments and long paths', () => {
  assert.equal(checkKeyPath('a/b.c/d'), 'a/b.c/d');
  assert.equal(checkKeyPath('x'.repeat(MAX_KEY_PATH_BYTES)), 'x'.repeat(MAX_KEY_PATH_BYTES));
  for (const bad of ['', '..', 'a/..', '../a', 'a//b', '/a', 'a/', 'x'.repeat(MAX_KEY_PATH_BYTES + 1), 'é'.repeat(513)]) {
    assert.throws(() => checkKeyPath(bad), /path|missing/, bad);
  }
});

test('list prefixes are normalised to "" or a trailing slash', () => {
  assert.equal(checkListPrefix(''), '');
  assert.equal(checkListPrefix('a'), 'a/');
  assert.equal(checkListPrefix('a/b/'), 'a/b/');
  for (const bad of ['/', 'a//', '../', 'a/../b/']) assert.throws(() => checkListPrefix(bad), /path/, bad);
});

test('a read names a key, or none for "" and folder paths; bad folders still throw', () => {
  assert.equal(readableKeyPath('a/b'), 'a/b');
  assert.equal(readableKeyPath(''), undefined);
  assert.equal(readableKeyPath('a/'), undefined);
  assert.equal(readableKeyPath('a/b/'), undefined);
  for (const bad of ['/', 'a//', '../', 'a/../', 'a//b', `${'x'.repeat(MAX_KEY_PATH_BYTES + 1)}/`]) assert.throws(() => readableKeyPath(bad), /path/, bad);
});

test('property: an accepted path never has an empty or ".." segment', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), (s) => {
      let ok = true;
      try {
        checkKeyPath(s);
      } catch {
        ok = false;
      }
      if (ok) assert.ok(s.split('/').every((seg) => seg !== '' && seg !== '..'));
    }),
  );
});
