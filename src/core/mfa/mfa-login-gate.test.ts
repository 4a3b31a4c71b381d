import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaError } from '../../lib/errors.js';
import { createMfaWorld } from './mfa-testing.js';
import { mfaLoginGate } from './mfa-login-gate.js';

test('the gate proceeds without enforcement, checks the header, or parks the login', async () => {
  const w = await createMfaWorld();
  const target = { mountAccessor: 'auth_userpass_1', mountType: 'userpass', entityId: w.entityId, groupIds: [] };
  assert.deepEqual(await mfaLoginGate(w.manager, { target, headers: {}, payload: 'p' }), { kind: 'proceed' });
  await w.manager.store.putEnforcement({
    name: 'ops', id: 'e', mfaMethodIds: [w.method.id], authMethodAccessors: ['auth_userpass_1'], authMethodTypes: [],
    identityGroupIds: [], identityEntityIds: [],
  });
  const parked = await mfaLoginGate(w.manager, { target, headers: {}, payload: 'p' });
  assert.equal(parked.kind, 'pending');
  if (parked.kind !== 'pending') return;
  assert.match(parked.warning, /mfa\/validate/);
  assert.deepEqual(Object.keys(parked.mfaRequirement.mfa_constraints), ['ops']);
  const headers = { 'x-vault-mfa': `${w.method.id}:${await w.code()}` };
  assert.deepEqual(await mfaLoginGate(w.manager, { target, headers, payload: 'p' }), { kind: 'proceed' });
  await assert.rejects(mfaLoginGate(w.manager, { target, headers, payload: 'p' }), (e: unknown) => e instanceof ArcaError && e.status === 403);
  assert.equal(await w.manager.validatePending(parked.mfaRequirement.mfa_request_id, { [w.method.id]: [await w.code(30_000)] }), 'p');
});
