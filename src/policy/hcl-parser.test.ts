import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaError } from '../lib/errors.js';
import { parseHcl } from './hcl-parser.js';
import type { HclObject, HclValue } from './hcl-value.js';
import { isHclObject } from './hcl-value.js';

/** A plain view of the tree: objects become arrays of [keys, value] pairs. */
function plain(v: HclValue): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (isHclObject(v)) return v.items.map((i) => [i.keys.join(' '), plain(i.value)]);
  return v;
}

function parsed(text: string): unknown {
  return plain(parseHcl(text));
}

function failsAt(text: string, line: number, column: number, what: RegExp): void {
  assert.throws(
    () => parseHcl(text),
    (err: unknown) => {
      assert.ok(err instanceof ArcaError);
      assert.equal(err.code, 'invalid_request');
      assert.equal(err.status, 400);
      assert.match(err.message, new RegExp(`^failed to parse policy: line ${line}, column ${column}: `));
      assert.match(err.message, what);
      return true;
    },
  );
}

test('blocks with labels, attributes, lists with trailing commas', () => {
  const text = `path "secret/*" {\n  capabilities = ["read", "list",]\n}\n`;
  assert.deepEqual(parsed(text), [['path secret/*', [['capabilities', ['read', 'list']]]]]);
});

test('all three comment styles are ignored', () => {
  const text = `# hash\n// slashes\n/* block\n spanning */ a = 1 # tail\nb = /* inline */ 2`;
  assert.deepEqual(parsed(text), [['a', 1], ['b', 2]]);
});

test('string escapes decode', () => {
  assert.deepEqual(parsed(String.raw`s = "q\"b\\n\nt\tu\u00e9U\U0001F600x\x41"`), [['s', 'q"b\\n\nt\tuéU😀xA']]);
});

test('numbers, bools and identifiers as keys', () => {
  assert.deepEqual(parsed('a = 10\nb = -2.5\nc = 1e3\nd = true\ne = false\nf-g.h = 0'), [
    ['a', 10], ['b', -2.5], ['c', 1000], ['d', true], ['e', false], ['f-g.h', 0],
  ]);
});

test('maps by assignment and nested blocks, quoted keys, commas between items', () => {
  const text = `path "x" {\n  allowed_parameters = { "a" = [], b = ["1", 2] }\n  denied_parameters {\n    "*" = []\n  }\n}`;
  assert.deepEqual(parsed(text), [
    ['path x', [['allowed_parameters', [['a', []], ['b', ['1', 2]]]], ['denied_parameters', [['*', []]]]]],
  ]);
});

test('heredocs keep lines and a final newline; <<- strips common indentation', () => {
  assert.deepEqual(parsed('a = <<EOF\nline 1\n  line 2\nEOF\n'), [['a', 'line 1\n  line 2\n']]);
  assert.deepEqual(parsed('a = <<-EOT\n    x\n      y\n    EOT\nb = 1'), [['a', 'x\n  y\n'], ['b', 1]]);
  assert.deepEqual(parsed('a = <<E\nE'), [['a', '']]);
});

test('repeated blocks are kept in order', () => {
  const root = parseHcl('path "a" {}\npath "b" {}\npath "a" {}') as HclObject;
  assert.deepEqual(root.items.map((i) => i.keys[1]), ['a', 'b', 'a']);
  assert.deepEqual([root.items[1]?.line, root.items[1]?.column], [2, 1]);
});

test('empty input and comment-only input parse to an empty object', () => {
  assert.deepEqual(parsed(''), []);
  assert.deepEqual(parsed('  # nothing\n'), []);
});

test('syntax errors name line and column', () => {
  failsAt('path "x" {\n  capabilities = ["read"\n}', 3, 1, /expected "," or "]" in list/);
  failsAt('path "x" {\n  capabilities = ["read"]\n', 3, 1, /expected "}" to close the object, got end of input/);
  failsAt('a = "open\n', 1, 5, /unterminated string/);
  failsAt('a = 1\n  /* never closed', 2, 3, /unterminated block comment/);
  failsAt('a = <<EOF\nno end\n', 1, 5, /unterminated heredoc/);
  failsAt('a = "bad \\q"', 1, 10, /invalid escape sequence/);
  failsAt('a b = 1', 1, 5, /expected "\{" after the labels/);
  failsAt('a = ]', 1, 5, /expected a value, got "]"/);
  failsAt('a = maybe', 1, 5, /unexpected identifier "maybe"/);
  failsAt('a', 1, 2, /expected "=" or "\{" after key "a", got end of input/);
  failsAt('}', 1, 1, /expected a key/);
  failsAt('a = 1 ; b = 2', 1, 7, /unexpected character ";"/);
  failsAt('a = 12ab', 1, 5, /invalid number/);
});

test('nesting depth is bounded', () => {
  const deep = `a = ${'['.repeat(100)}${']'.repeat(100)}`;
  assert.throws(() => parseHcl(deep), /nesting deeper than 32 levels/);
  assert.doesNotThrow(() => parseHcl(`a = ${'['.repeat(20)}${']'.repeat(20)}`));
});
