import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { globMatch } from './glob-match.js';

test('glob: literal, prefix, suffix, infix and lone star', () => {
  assert.equal(globMatch('a.example.com', 'a.example.com'), true);
  assert.equal(globMatch('a.example.com', 'b.example.com'), false);
  assert.equal(globMatch('*.example.com', 'a.b.example.com'), true);
  assert.equal(globMatch('*.example.com', 'example.com'), false);
  assert.equal(globMatch('web-*', 'web-1'), true);
  assert.equal(globMatch('web-*', 'xweb-1'), false);
  assert.equal(globMatch('a*c', 'abc'), true);
  assert.equal(globMatch('a*c', 'abcd'), false);
  assert.equal(globMatch('a*b*c', 'aXbYc'), true);
  assert.equal(globMatch('*', ''), true);
  assert.equal(globMatch('', ''), true);
  assert.equal(globMatch('', 'x'), false);
});

test('glob: a pattern without star is equality; "*"+s+"*" is substring', () => {
  const text = fc.string({ maxLength: 12 }).filter((s) => !s.includes('*'));
  fc.assert(fc.property(text, text, (p, s) => globMatch(p, s) === (p === s)));
  fc.assert(fc.property(text, text, (p, s) => globMatch(`*${p}*`, s) === s.includes(p)));
  fc.assert(fc.property(text, text, (p, s) => globMatch(`${p}*`, s) === s.startsWith(p)));
});
