import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinKvPath, kvApiPath, parseVersions } from './kv-target.js';

test('v2 paths get the API prefix after the mount; v1 paths are unchanged', () => {
  const v2 = { mount: 'secret/', version: 2 as const, full: 'secret/app/db', relative: 'app/db' };
  assert.equal(kvApiPath(v2, 'data'), 'secret/data/app/db');
  assert.equal(kvApiPath(v2, 'metadata'), 'secret/metadata/app/db');
  assert.equal(kvApiPath({ ...v2, full: 'secret', relative: '' }, 'metadata'), 'secret/metadata');
  const nested = { mount: 'team/kv/', version: 2 as const, full: 'team/kv/x', relative: 'x' };
  assert.equal(kvApiPath(nested, 'destroy'), 'team/kv/destroy/x');
  const v1 = { mount: 'kv/', version: 1 as const, full: 'kv/app', relative: 'app' };
  assert.equal(kvApiPath(v1, 'data'), 'kv/app');
});

test('-mount joins with the path; -versions accepts commas and repeats', () => {
  assert.equal(joinKvPath('/app/', undefined), 'app');
  assert.equal(joinKvPath('app', 'secret/'), 'secret/app');
  assert.deepEqual(parseVersions(['1,2', '5']), [1, 2, 5]);
  assert.throws(() => parseVersions(['x']));
});
