// JSON Merge Patch (RFC 7386): the RFC's examples, prototype-key safety and properties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mergePatch, requireMergePatch } from './merge-patch.js';
import { ArcaError } from '../../lib/errors.js';

test('RFC 7386 appendix examples', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, expected] of cases) assert.deepEqual(mergePatch(target, patch), expected);
});

test('a "__proto__" key stays an ordinary key and never touches prototypes', () => {
  const patch = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown;
  const out = mergePatch({}, patch) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out).sort(), ['__proto__', 'a']);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

const json = fc.jsonValue({ maxDepth: 3 });
const obj = fc.dictionary(fc.string({ maxLength: 4 }), json, { maxKeys: 5, noNullPrototype: true });

test('properties: inputs untouched, idempotent, empty patch is identity, patch keys win', () => {
  fc.assert(
    fc.property(obj, obj, (target, patch) => {
      const t = structuredClone(target);
      const p = structuredClone(patch);
      const once = mergePatch(target, patch);
      assert.deepEqual(target, t);
      assert.deepEqual(patch, p);
      assert.deepEqual(mergePatch(once, patch), once);
      assert.deepEqual(mergePatch(target, {}), target);
      for (const [k, v] of Object.entries(patch)) {
        const got = (once as Record<string, unknown>)[k];
        if (v === null) assert.equal(Object.prototype.hasOwnProperty.call(once, k), false);
        else if (typeof v !== 'object' || Array.isArray(v)) assert.deepEqual(got, v);
      }
    }),
  );
});

test('content type must be application/merge-patch+json (parameters allowed)', () => {
  requireMergePatch({ 'content-type': 'application/merge-patch+json; charset=utf-8' });
  for (const headers of [{}, { 'content-type': 'application/json' }]) {
    assert.throws(() => requireMergePatch(headers), (e: unknown) => e instanceof ArcaError && e.status === 415);
  }
});
