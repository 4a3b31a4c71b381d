// identity/entity/merge and TOTP enrolments, as the core wires them: an IdentityStore whose
// merge hook is MfaManager.mergeEnrolments, both on one SQLite file, with a FakeClock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import { SqlitePhysical } from '../../storage/sqlite/sqlite-physical.js';
import { IdentityStore } from '../identity/identity-store.js';
import { MfaManager } from './mfa-manager.js';
import { testMethod } from './mfa-testing.js';
import { totpCode } from './totp-code.js';
import type { TotpMethod } from './totp-method.js';

interface World {
  readonly clock: FakeClock;
  readonly identity: IdentityStore;
  readonly mfa: MfaManager;
  readonly method: TotpMethod;
  /** Creates an entity with a userpass alias `name` on its own mount accessor. */
  entity(name: string): Promise<string>;
  /** Enrols the entity; answers its secret. */
  enrol(entityId: string): Promise<string>;
  /** An X-Vault-MFA login of the account `name` with `secret`'s current code; answers the entity. */
  login(name: string, secret: string): Promise<string>;
}

async function withWorld(fn: (w: World) => Promise<void>, overrides: Partial<TotpMethod> = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'arca-'));
  const physical = await SqlitePhysical.open(join(dir, 'arca.db'));
  try {
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 10));
    const mfa = new MfaManager({ storage: physical, clock });
    const identity = new IdentityStore({ storage: physical, clock, onEntitiesMerged: (tx, merge) => mfa.mergeEnrolments(tx, merge) });
    const method = testMethod(clock.now(), overrides);
    await mfa.store.putMethod(method);
    await mfa.store.putEnforcement({
      name: 'people', id: 'enf-1', mfaMethodIds: [method.id], authMethodAccessors: [], authMethodTypes: ['userpass'],
      identityGroupIds: [], identityEntityIds: [],
    });
    const account = (name: string) => ({ mountAccessor: `auth_userpass_${name}`, mountType: 'userpass', aliasName: name });
    await fn({
      clock, identity, mfa, method,
      entity: async (name) => (await identity.resolveLogin(account(name))).entityId,
      enrol: async (entityId) => {
        assert.ok(await mfa.generate(method.id, entityId));
        const stored = await mfa.store.getSecret(method.id, entityId);
        assert.ok(stored);
        return stored.secret;
      },
      login: async (name, secret) => {
        const { entityId } = await identity.resolveLogin(account(name));
        const req = await mfa.requirementFor({ mountAccessor: account(name).mountAccessor, mountType: 'userpass', entityId, groupIds: [] });
        assert.ok(req, 'the enforcement applies');
        await mfa.validateInline(req, entityId, `${method.id}:${await totpCode(method, secret, clock.now())}`);
        return entityId;
      },
    });
  } finally {
    await physical.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const denied = (pattern: RegExp) => (e: unknown): boolean => e instanceof ArcaError && e.status === 403 && pattern.test(e.message);
const refused = (pattern: RegExp) => (e: unknown): boolean => e instanceof ArcaError && e.status === 400 && pattern.test(e.message);

test('a merged entity’s enrolment moves to the target and passes TOTP login there, replay guard included', async () => {
  await withWorld(async (w) => {
    const alice = await w.entity('alice');
    const target = (await w.identity.writeEntity({ name: 'person' })).entity.id;
    const secret = await w.enrol(alice);
    assert.equal(await w.login('alice', secret), alice);
    await w.identity.mergeEntities({ toEntityId: target, fromEntityIds: [alice], conflictingAliasIdsToKeep: [] });

    assert.equal((await w.mfa.store.getSecret(w.method.id, target))?.secret, secret, 'the same authenticator keeps working');
    assert.equal(await w.mfa.store.getSecret(w.method.id, alice), undefined, 'nothing is left under the merged entity');
    // The code alice used just before the merge is still spent for the target.
    await assert.rejects(w.login('alice', secret), denied(/already used/));
    w.clock.advance(30_000);
    assert.equal(await w.login('alice', secret), target, "alice's account now logs in as the target, with her authenticator");
    // The target has an enrolment now: a second generate is refused, as for any enrolled entity.
    assert.equal(await w.mfa.generate(w.method.id, target), undefined);
  });
});

test('failed attempts move with the enrolment: a locked-out account stays locked out after the merge', async () => {
  await withWorld(async (w) => {
    const alice = await w.entity('alice');
    const target = (await w.identity.writeEntity({ name: 'person' })).entity.id;
    const secret = await w.enrol(alice);
    const req = await w.mfa.requirementFor({ mountAccessor: 'auth_userpass_alice', mountType: 'userpass', entityId: alice, groupIds: [] });
    assert.ok(req);
    for (let i = 0; i < 2; i++) await assert.rejects(w.mfa.validateInline(req, alice, `${w.method.id}:000000`), denied(/failed to satisfy/));
    await w.identity.mergeEntities({ toEntityId: target, fromEntityIds: [alice], conflictingAliasIdsToKeep: [] });
    await assert.rejects(w.login('alice', secret), denied(/maximum TOTP validation attempts/));
    w.clock.advance(30_000);
    assert.equal(await w.login('alice', secret), target);
  }, { maxValidationAttempts: 2 });
});

test('both sides enrolled: refused as in Vault, nothing changes; force keeps the target’s enrolment', async () => {
  await withWorld(async (w) => {
    const alice = await w.entity('alice');
    const bob = await w.entity('bob');
    const aliceSecret = await w.enrol(alice);
    const bobSecret = await w.enrol(bob);
    const merge = { toEntityId: bob, fromEntityIds: [alice], conflictingAliasIdsToKeep: [] };
    await assert.rejects(w.identity.mergeEntities(merge), refused(new RegExp(`conflicting MFA config ID "${w.method.id}" in entity ID "${alice}"`)));
    // All or nothing: alice's entity, alias and enrolment are untouched.
    assert.equal((await w.identity.readEntity(alice))?.aliases.length, 1);
    assert.equal((await w.identity.readEntity(bob))?.mergedEntityIds, undefined);
    assert.equal((await w.mfa.store.getSecret(w.method.id, alice))?.secret, aliceSecret);
    assert.equal(await w.login('alice', aliceSecret), alice);

    w.clock.advance(30_000);
    await w.identity.mergeEntities({ ...merge, force: true });
    assert.equal(await w.identity.readEntity(alice), undefined);
    assert.equal((await w.mfa.store.getSecret(w.method.id, bob))?.secret, bobSecret, "the target's secret is unaltered");
    assert.equal(await w.mfa.store.getSecret(w.method.id, alice), undefined);
    await assert.rejects(w.login('alice', aliceSecret), denied(/failed to satisfy/), "alice's old authenticator is no longer enrolled");
    assert.equal(await w.login('alice', bobSecret), bob);
  });
});

test('two enrolled from-entities conflict with each other; under force the first in id order wins, as in Vault', async () => {
  await withWorld(async (w) => {
    const ids = new Map([['alice', await w.entity('alice')], ['carol', await w.entity('carol')]]);
    const target = (await w.identity.writeEntity({ name: 'person' })).entity.id;
    const secrets = new Map<string, string>();
    for (const id of ids.values()) secrets.set(id, await w.enrol(id));
    const [first, second] = [...ids.values()].sort();
    assert.ok(first && second);
    // Listed last-first: the merge still takes them in id order (Vault sorts the list too).
    const merge = { toEntityId: target, fromEntityIds: [second, first], conflictingAliasIdsToKeep: [] };
    await assert.rejects(w.identity.mergeEntities(merge), refused(new RegExp(`in entity ID "${second}"`)));
    assert.equal(await w.mfa.store.getSecret(w.method.id, target), undefined);
    await w.identity.mergeEntities({ ...merge, force: true });
    const kept = secrets.get(first);
    assert.ok(kept);
    assert.equal((await w.mfa.store.getSecret(w.method.id, target))?.secret, kept);
    assert.equal(await w.mfa.store.getSecret(w.method.id, second), undefined);
    assert.equal(await w.login('carol', kept), target);
    w.clock.advance(30_000);
    assert.equal(await w.login('alice', kept), target);
  });
});

test('a merge with no enrolments on either side still succeeds', async () => {
  await withWorld(async (w) => {
    const alice = await w.entity('alice');
    const bob = await w.entity('bob');
    const merged = await w.identity.mergeEntities({ toEntityId: bob, fromEntityIds: [alice], conflictingAliasIdsToKeep: [] });
    assert.deepEqual(merged.mergedEntityIds, [alice]);
    assert.equal(await w.mfa.store.getSecret(w.method.id, bob), undefined);
  });
});
