import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaError } from '../../lib/errors.js';
import { createMfaWorld } from './mfa-testing.js';
import type { MfaWorld } from './mfa-testing.js';
import type { MfaRequirement } from './mfa-requirement.js';

const status = (code: number) => (e: unknown): boolean => e instanceof ArcaError && e.status === code;

async function enforce(w: MfaWorld): Promise<MfaRequirement> {
  await w.manager.store.putEnforcement({
    name: 'ops', id: 'enf-1', mfaMethodIds: [w.method.id], authMethodAccessors: [], authMethodTypes: ['userpass'],
    identityGroupIds: [], identityEntityIds: [],
  });
  const req = await w.manager.requirementFor({ mountAccessor: 'auth_userpass_1', mountType: 'userpass', entityId: w.entityId, groupIds: [] });
  assert.ok(req);
  return req;
}

test('requirementFor matches by type, accessor, entity or group, and nothing else', async () => {
  const w = await createMfaWorld();
  const m = w.manager;
  await m.store.putEnforcement({
    name: 'by-group', id: 'e2', mfaMethodIds: [w.method.id], authMethodAccessors: ['acc_1'], authMethodTypes: [],
    identityGroupIds: ['g1'], identityEntityIds: ['entity-9'],
  });
  const none = { mountAccessor: 'x', mountType: 'ldap', entityId: 'entity-1', groupIds: ['g2'] };
  assert.equal(await m.requirementFor(none), undefined);
  for (const hit of [{ mountAccessor: 'acc_1' }, { groupIds: ['g2', 'g1'] }, { entityId: 'entity-9' }]) {
    const r = await m.requirementFor({ ...none, ...hit });
    assert.deepEqual(r?.constraints, [{ name: 'by-group', methods: [{ id: w.method.id, name: 'totp-main' }] }]);
  }
});

test('two-step login: the right code releases the payload once', async () => {
  const w = await createMfaWorld();
  const req = await enforce(w);
  const started = await w.manager.startPending(req, { policies: ['p'] });
  assert.deepEqual(started.mfa_constraints, { ops: { any: [{ type: 'totp', id: w.method.id, name: 'totp-main', uses_passcode: true }] } });
  const payload = await w.manager.validatePending(started.mfa_request_id, { [w.method.id]: [await w.code()] });
  assert.deepEqual(payload, { policies: ['p'] });
  // Single use, even with a fresh code.
  w.clock.advance(30_000);
  await assert.rejects(w.manager.validatePending(started.mfa_request_id, { [w.method.id]: [await w.code()] }), status(400));
});

test('the method name may stand for its id; a neighbouring period is accepted within the skew', async () => {
  const w = await createMfaWorld();
  const req = await enforce(w);
  const started = await w.manager.startPending(req, 'x');
  assert.equal(await w.manager.validatePending(started.mfa_request_id, { 'totp-main': [await w.code(-30_000)] }), 'x');
});

test('a wrong code is 403 and leaves the request usable; too many failures lock the method', async () => {
  const w = await createMfaWorld({ maxValidationAttempts: 2 });
  const req = await enforce(w);
  const started = await w.manager.startPending(req, 'x');
  const good = await w.code();
  const wrong = good === '000000' ? '111111' : '000000';
  await assert.rejects(w.manager.validatePending(started.mfa_request_id, { [w.method.id]: [wrong] }), (e: unknown) => {
    assert.ok(e instanceof ArcaError && e.status === 403);
    assert.doesNotMatch(e.message, new RegExp(wrong));
    return true;
  });
  await assert.rejects(w.manager.validatePending(started.mfa_request_id, { [w.method.id]: ['12'] }), status(403));
  // Locked: even the right code is refused until a period has passed.
  await assert.rejects(w.manager.validatePending(started.mfa_request_id, { [w.method.id]: [good] }), /maximum TOTP validation attempts/);
  w.clock.advance(31_000);
  assert.equal(await w.manager.validatePending(started.mfa_request_id, { [w.method.id]: [await w.code()] }), 'x');
});

test('a code cannot be replayed, neither inline nor through another pending login', async () => {
  const w = await createMfaWorld();
  const req = await enforce(w);
  const code = await w.code();
  await w.manager.validateInline(req, w.entityId, code);
  await assert.rejects(w.manager.validateInline(req, w.entityId, code), status(403));
  const started = await w.manager.startPending(req, 'x');
  await assert.rejects(w.manager.validatePending(started.mfa_request_id, { [w.method.id]: [code] }), /already used/);
  // An older code (previous period, within skew) is also refused once a newer one was used.
  await assert.rejects(w.manager.validatePending(started.mfa_request_id, { [w.method.id]: [await w.code(-30_000)] }), status(403));
  w.clock.advance(30_000);
  assert.equal(await w.manager.validatePending(started.mfa_request_id, { [w.method.id]: [await w.code()] }), 'x');
});

test('an expired pending login is refused and removed', async () => {
  const w = await createMfaWorld();
  const req = await enforce(w);
  const started = await w.manager.startPending(req, 'x', 60_000);
  const other = await w.manager.startPending(req, 'y', 60_000);
  w.clock.advance(60_001);
  await assert.rejects(w.manager.validatePending(started.mfa_request_id, { [w.method.id]: [await w.code()] }), status(400));
  assert.equal(await w.manager.tidyPending(), 1);
  await assert.rejects(w.manager.validatePending(other.mfa_request_id, { [w.method.id]: [await w.code()] }), status(400));
  await assert.rejects(w.manager.validatePending('not-an-id', {}), status(400));
});

test('header form: method_id:code, or a bare code with a single method; no code is 403', async () => {
  const w = await createMfaWorld();
  const req = await enforce(w);
  await w.manager.validateInline(req, w.entityId, `${w.method.id}:${await w.code()}`);
  w.clock.advance(30_000);
  await w.manager.validateInline(req, w.entityId, ` ${await w.code()} `);
  w.clock.advance(30_000);
  await assert.rejects(w.manager.validateInline(req, w.entityId, ''), status(403));
  await assert.rejects(w.manager.validateInline(req, 'entity-2', await w.code()), status(403));
});

test('generate refuses a second secret until destroyed; methods in use cannot be deleted', async () => {
  const w = await createMfaWorld({ digits: 8, algorithm: 'SHA256' });
  assert.equal(await w.manager.generate(w.method.id, w.entityId), undefined);
  assert.equal((await w.code()).length, 8);
  await w.manager.destroy(w.method.id, w.entityId);
  const again = await w.manager.generate(w.method.id, w.entityId);
  assert.ok(again);
  const url = new URL(again.url);
  assert.equal(url.protocol, 'otpauth:');
  assert.equal(url.searchParams.get('algorithm'), 'SHA256');
  assert.equal(url.searchParams.get('digits'), '8');
  assert.match(url.searchParams.get('secret') ?? '', /^[A-Z2-7]{32}$/);
  assert.deepEqual([...Buffer.from(again.barcode, 'base64').subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  await enforce(w);
  await assert.rejects(w.manager.store.deleteMethod(w.method.id), /used by login enforcement/);
  await w.manager.store.deleteEnforcement('ops');
  await w.manager.store.deleteMethod(w.method.id);
  assert.equal(await w.manager.store.getSecret(w.method.id, w.entityId), undefined);
  await assert.rejects(w.manager.generate(w.method.id, w.entityId), status(400));
});
