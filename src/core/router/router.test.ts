import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from './router.js';
import { newMountEntry } from './mount-entry.js';
import type { BackendHandler } from '../../framework/backend-handler.js';

const handler = {} as BackendHandler;

test('routes by longest mount prefix', () => {
  const r = new Router();
  r.add({ entry: newMountEntry({ table: 'mounts', path: 'secret', type: 'kv' }), handler });
  r.add({ entry: newMountEntry({ table: 'mounts', path: 'secret/team', type: 'kv' }), handler });
  r.add({ entry: newMountEntry({ table: 'auth', path: 'token', type: 'token' }), handler });
  assert.equal(r.route('secret/data/a')?.prefix, 'secret/');
  assert.equal(r.route('secret/data/a')?.relativePath, 'data/a');
  assert.equal(r.route('secret/team/x')?.prefix, 'secret/team/');
  assert.equal(r.route('secret/teamx')?.prefix, 'secret/');
  assert.equal(r.route('secret')?.relativePath, '');
  assert.equal(r.route('auth/token/lookup-self')?.relativePath, 'lookup-self');
  assert.equal(r.route('nope/x'), undefined);
  assert.equal(r.route(''), undefined);
  assert.equal(r.conflicts('secret/team/deeper/'), 'secret/');
  assert.equal(r.conflicts('other/'), undefined);
});
