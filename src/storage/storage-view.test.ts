// src/storage — StorageView: prefixing, relative list/scan, sub-views, transactions,
// JSON helpers and key validation; plus the conformance suite run through a view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageView } from './storage-view.js';
import { InmemPhysical } from './inmem/inmem-physical.js';
import { runStorageConformance } from './conformance.js';
import { ArcaError } from '../lib/errors.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const invalid = (err: unknown): boolean => err instanceof ArcaError && err.code === 'invalid_request';

runStorageConformance('storage-view over inmem', async () => {
  const physical = new InmemPhysical();
  await physical.put('outside', bytes('x')); // a neighbour the view must never show
  await physical.put('mount/s', bytes('x'));
  return { storage: new StorageView(physical, 'logical/abc/'), cleanup: () => physical.close() };
});

test('view prefixes keys and answers relative keys', async () => {
  const physical = new InmemPhysical();
  const view = new StorageView(physical, 'logical/m1/');
  await view.put('a/b', bytes('1'));
  await view.put('c', bytes('2'));
  await physical.put('logical/m2/a', bytes('other mount'));
  assert.deepEqual(await physical.scan(''), ['logical/m1/a/b', 'logical/m1/c', 'logical/m2/a']);
  assert.deepEqual(await view.list(''), ['a/', 'c']);
  assert.deepEqual(await view.list('a/'), ['b']);
  assert.deepEqual(await view.scan(''), ['a/b', 'c']);
  assert.deepEqual(await view.scan('', { after: 'a/b', limit: 5 }), ['c']);
  assert.equal(await view.get('a'), undefined);
  await view.delete('c');
  assert.equal(await physical.get('logical/m1/c'), undefined);

  const sub = view.sub('a/');
  assert.equal(sub.prefix, 'logical/m1/a/');
  assert.deepEqual(await sub.list(''), ['b']);
  assert.deepEqual(new TextDecoder().decode(await sub.get('b')), '1');
});

test('view transactions commit and roll back in the view', async () => {
  const physical = new InmemPhysical();
  const view = new StorageView(physical, 'v/');
  await view.transaction(async (tx) => {
    await tx.putJson('n', { count: 1 });
    assert.deepEqual(await tx.getJson('n'), { count: 1 });
    assert.deepEqual(await tx.list(''), ['n']);
  });
  assert.deepEqual(await physical.scan(''), ['v/n']);
  await assert.rejects(
    view.transaction(async (tx) => {
      await tx.put('m', bytes('x'));
      throw new Error('abort');
    }),
    /abort/,
  );
  assert.deepEqual(await view.scan(''), ['n']);
});

test('JSON helpers round trip and report corrupt values without their content', async () => {
  const view = new StorageView(new InmemPhysical(), 'j/');
  assert.equal(await view.getJson('missing'), undefined);
  await view.putJson('obj', { a: [1, 'two', null], b: { c: true } });
  assert.deepEqual(await view.getJson<{ a: unknown[] }>('obj'), { a: [1, 'two', null], b: { c: true } });
  await view.put('bad', bytes('{not json s3cret'));
  await assert.rejects(view.getJson('bad'), (err: unknown) => {
    assert.ok(err instanceof ArcaError && err.code === 'internal');
    assert.ok(!err.message.includes('s3cret'));
    return true;
  });
  await assert.rejects(view.putJson('fn', undefined), invalid);
});

test('view rejects NUL, ".." segments and empty keys', async () => {
  const physical = new InmemPhysical();
  const view = new StorageView(physical, 'safe/');
  for (const key of ['../escape', 'a/../b', '..', 'a/..', 'nul\u0000', '']) {
    await assert.rejects(async () => view.put(key, bytes('x')), invalid, JSON.stringify(key));
    await assert.rejects(async () => view.get(key), invalid, JSON.stringify(key));
  }
  await assert.rejects(async () => view.list('../'), invalid);
  await assert.rejects(async () => view.scan('', { after: '..' }), invalid);
  assert.throws(() => view.sub('../'), invalid);
  assert.throws(() => new StorageView(physical, 'x/../'), invalid);
  await view.put('a..b/.../c', bytes('dots that are not a segment are fine'));
  assert.deepEqual(await physical.scan(''), ['safe/a..b/.../c']);
});
