import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../lib/clock.js';
import { ArcaError } from '../lib/errors.js';
import { InmemPhysical } from '../storage/inmem/inmem-physical.js';
import { StorageView } from '../storage/storage-view.js';
import type { LogicalRequest } from '../framework/logical.js';
import { newMountEntry } from './router/mount-entry.js';
import { LoginGuard } from './login-guard.js';
import type { CoreResponse } from './core-response.js';
import { isArcaErrorWith } from '../../test/support/arca-error.js';

function world(config = {}) {
  const clock = new FakeClock();
  const guard = new LoginGuard(new StorageView(new InmemPhysical(), ''), clock);
  const mount = newMountEntry({ table: 'auth', path: 'userpass', type: 'userpass', config: { user_lockout_config: config } });
  const req = (remoteAddress = '10.0.0.1') => ({ remoteAddress }) as LogicalRequest;
  const fail = () => Promise.reject(new ArcaError('invalid_request', 'invalid username or password'));
  const ok = (): Promise<CoreResponse> => Promise.resolve({ auth: { client_token: 't' } as CoreResponse['auth'] } as CoreResponse);
  return { clock, guard, mount, req, fail, ok };
}

test('an account locks after the threshold, for the duration, whether or not it exists', async () => {
  const w = world({ lockout_threshold: 3, lockout_duration: 600 });
  for (let i = 0; i < 3; i++) await assert.rejects(w.guard.run(w.req(), w.mount, 'bob', w.fail), isArcaErrorWith('invalid_request'));
  // Locked: even the right password is refused, with the generic 429.
  await assert.rejects(w.guard.run(w.req(), w.mount, 'bob', w.ok), isArcaErrorWith('rate_limited', /too many failed login attempts/));
  assert.deepEqual([...(await w.guard.lockout.lockedAccounts())], [[w.mount.accessor, ['bob']]]);
  // Another account is not affected.
  assert.ok(await w.guard.run(w.req(), w.mount, 'alice', w.ok));
  w.clock.advance(601_000);
  assert.ok(await w.guard.run(w.req(), w.mount, 'bob', w.ok));
});

test('the failure count resets after lockout_counter_reset and after a success', async () => {
  const w = world({ lockout_threshold: 3, lockout_counter_reset: 60 });
  await assert.rejects(w.guard.run(w.req(), w.mount, 'bob', w.fail));
  await assert.rejects(w.guard.run(w.req(), w.mount, 'bob', w.fail));
  w.clock.advance(61_000);
  await assert.rejects(w.guard.run(w.req(), w.mount, 'bob', w.fail));
  await assert.rejects(w.guard.run(w.req(), w.mount, 'bob', w.fail));
  assert.ok(await w.guard.run(w.req(), w.mount, 'bob', w.ok), 'not locked: the first two failures had expired');
  await assert.rejects(w.guard.run(w.req(), w.mount, 'bob', w.fail));
  await assert.rejects(w.guard.run(w.req(), w.mount, 'bob', w.fail));
  assert.ok(await w.guard.run(w.req(), w.mount, 'bob', w.ok), 'the success reset the count');
});

test('unlock, disabled lockout, and per-address throttling across accounts', async () => {
  const w = world({ lockout_threshold: 2 });
  await assert.rejects(w.guard.run(w.req(), w.mount, 'bob', w.fail));
  await assert.rejects(w.guard.run(w.req(), w.mount, 'bob', w.fail));
  await w.guard.lockout.unlock(w.mount.accessor, 'bob');
  assert.ok(await w.guard.run(w.req(), w.mount, 'bob', w.ok));

  const off = world({ lockout_disable: true, lockout_threshold: 1 });
  await assert.rejects(off.guard.run(off.req(), off.mount, 'bob', off.fail));
  assert.ok(await off.guard.run(off.req(), off.mount, 'bob', off.ok));

  // One address guessing many different accounts is throttled (20 failures a minute).
  const t = world({ lockout_disable: true });
  for (let i = 0; i < 20; i++) await assert.rejects(t.guard.run(t.req('10.9.9.9'), t.mount, `user${i}`, t.fail), isArcaErrorWith('invalid_request'));
  await assert.rejects(t.guard.run(t.req('10.9.9.9'), t.mount, 'new', t.ok), isArcaErrorWith('rate_limited'));
  assert.ok(await t.guard.run(t.req('10.1.1.1'), t.mount, 'new', t.ok), 'other addresses are not throttled');
  t.clock.advance(61_000);
  assert.ok(await t.guard.run(t.req('10.9.9.9'), t.mount, 'new', t.ok));
});

test('a login path with no lockable account is throttled per address only', async () => {
  const w = world({ lockout_threshold: 1 });
  for (let i = 0; i < 20; i++) await assert.rejects(w.guard.run(w.req('10.7.7.7'), w.mount, undefined, w.fail), isArcaErrorWith('invalid_request'));
  await assert.rejects(w.guard.run(w.req('10.7.7.7'), w.mount, undefined, w.ok), isArcaErrorWith('rate_limited'));
  assert.ok(await w.guard.run(w.req('10.7.7.8'), w.mount, undefined, w.ok), 'no account was locked');
  assert.equal((await w.guard.lockout.lockedAccounts()).size, 0);
});
