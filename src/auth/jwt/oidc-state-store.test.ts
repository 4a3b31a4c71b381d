import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FakeClock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import { InmemPhysical } from '../../storage/inmem/inmem-physical.js';
import { StorageView } from '../../storage/storage-view.js';
import { OIDC_STATE_TTL_MS, OidcStateStore } from './oidc-state-store.js';

function store(): { states: OidcStateStore; clock: FakeClock; view: StorageView } {
  const clock = new FakeClock();
  const view = new StorageView(new InmemPhysical(), 'auth/x/');
  return { states: new OidcStateStore(view, clock), clock, view };
}

const isStateError = (err: unknown): boolean => err instanceof ArcaError && err.status === 400;

test('a state is taken once, carries a PKCE S256 challenge of its verifier, and expires', async () => {
  const { states, clock } = store();
  const a = await states.create({ role: 'r', redirectUri: 'http://localhost/cb', clientNonce: 'cn' });
  const taken = await states.take(a.state);
  assert.equal(taken.role, 'r');
  assert.equal(taken.nonce, a.nonce);
  assert.equal(createHash('sha256').update(taken.codeVerifier).digest('base64url'), a.codeChallenge);
  assert.notEqual(taken.clientNonceHash, 'cn');
  await assert.rejects(states.take(a.state), isStateError);
  const b = await states.create({ role: 'r', redirectUri: 'u', clientNonce: '' });
  clock.advance(OIDC_STATE_TTL_MS);
  await assert.rejects(states.take(b.state), isStateError);
  await assert.rejects(states.take('../../etc'), isStateError);
});

test('creating states sweeps expired ones left behind', async () => {
  const { states, clock, view } = store();
  for (let i = 0; i < 40; i += 1) await states.create({ role: 'r', redirectUri: 'u', clientNonce: '' });
  clock.advance(OIDC_STATE_TTL_MS + 1);
  for (let i = 0; i < 200; i += 1) await states.create({ role: 'r', redirectUri: 'u', clientNonce: '' });
  clock.advance(OIDC_STATE_TTL_MS + 1);
  await states.create({ role: 'r', redirectUri: 'u', clientNonce: '' });
  const left = await view.scan('oidc-state/');
  assert.ok(left.length < 241, `expected some expired states swept, ${left.length} left`);
});
