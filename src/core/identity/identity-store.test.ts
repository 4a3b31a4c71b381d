import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import { InmemPhysical } from '../../storage/inmem/inmem-physical.js';
import { IdentityStore } from './identity-store.js';
import type { GrantEvent } from './identity-store.js';

function world(): { store: IdentityStore; clock: FakeClock; physical: InmemPhysical; events: GrantEvent[] } {
  const physical = new InmemPhysical();
  const clock = new FakeClock();
  const events: GrantEvent[] = [];
  const store = new IdentityStore({ storage: physical, clock, onGrantEvent: (e) => void events.push(e) });
  return { store, clock, physical, events };
}

const login = { mountAccessor: 'auth_userpass_1', mountType: 'userpass', aliasName: 'alice' };

const isBadRequest = (e: unknown): boolean => e instanceof ArcaError && e.code === 'invalid_request';

test('first login creates one entity and alias, even for concurrent first logins', async () => {
  const { store, physical } = world();
  const results = await Promise.all(Array.from({ length: 8 }, () => store.resolveLogin(login)));
  const ids = new Set(results.map((r) => r.entityId));
  assert.equal(ids.size, 1);
  const entities = await store.listEntities();
  assert.equal(entities.length, 1);
  const entity = entities[0];
  assert.equal(entity?.aliases.length, 1);
  assert.equal(entity?.aliases[0]?.name, 'alice');
  assert.equal(entity?.aliases[0]?.mountType, 'userpass');
  assert.match(entity?.name ?? '', /^entity_[0-9a-f]{8}$/);
  // Every identity key sits under sys/identity/.
  const keys = await physical.scan('');
  assert.ok(keys.length > 0 && keys.every((k) => k.startsWith('sys/identity/')));
  // A later login finds the same entity; another account gets another one.
  assert.deepEqual(await store.resolveLogin(login), results[0]);
  const bob = await store.resolveLogin({ ...login, aliasName: 'bob' });
  assert.notEqual(bob.entityId, results[0]?.entityId);
});

test('login refreshes alias metadata; names are bounded', async () => {
  const { store } = world();
  const { entityId } = await store.resolveLogin({ ...login, aliasMetadata: { team: 'a' } });
  await store.resolveLogin({ ...login, aliasMetadata: { team: 'b' } });
  assert.deepEqual((await store.readEntity(entityId))?.aliases[0]?.metadata, { team: 'b' });
  await assert.rejects(store.resolveLogin({ ...login, aliasName: ' ' }), isBadRequest);
  await assert.rejects(store.resolveLogin({ ...login, aliasName: 'x'.repeat(600) }), isBadRequest);
});

test('entities: upsert by name, rename, unique names, no root policy', async () => {
  const { store } = world();
  const { entity, created } = await store.writeEntity({ name: 'svc', policies: ['A', 'b', 'a'] });
  assert.equal(created, true);
  assert.deepEqual(entity.policies, ['a', 'b']);
  const again = await store.writeEntity({ name: 'svc', metadata: { env: 'prod' } });
  assert.equal(again.created, false);
  assert.equal(again.entity.id, entity.id);
  assert.deepEqual(again.entity.policies, ['a', 'b']);
  await store.writeEntity({ name: 'other' });
  await assert.rejects(store.writeEntity({ id: entity.id, name: 'other' }), isBadRequest);
  await store.writeEntity({ id: entity.id, name: 'renamed' });
  assert.equal((await store.entityByName('svc')), undefined);
  assert.equal((await store.entityByName('renamed'))?.id, entity.id);
  await assert.rejects(store.writeEntity({ name: 'x', policies: ['root'] }), isBadRequest);
  await assert.rejects(store.writeEntity({ id: 'missing' }), isBadRequest);
});

test('aliases: create, one per mount per entity, unique per mount, move, delete', async () => {
  const { store } = world();
  const a = (await store.writeEntity({ name: 'a' })).entity;
  const b = (await store.writeEntity({ name: 'b' })).entity;
  const alias = await store.writeAlias({ name: 'alice', canonicalId: a.id, mountAccessor: 'acc1' });
  assert.equal((await store.resolveLogin({ ...login, mountAccessor: 'acc1' })).entityId, a.id);
  await assert.rejects(store.writeAlias({ name: 'alice2', canonicalId: a.id, mountAccessor: 'acc1' }), isBadRequest);
  await assert.rejects(store.writeAlias({ name: 'alice', canonicalId: b.id, mountAccessor: 'acc1' }), isBadRequest);
  await store.writeAlias({ id: alias.id, canonicalId: b.id });
  assert.equal((await store.readEntity(a.id))?.aliases.length, 0);
  assert.equal((await store.readAlias(alias.id))?.canonicalId, b.id);
  assert.equal((await store.resolveLogin({ ...login, mountAccessor: 'acc1' })).entityId, b.id);
  await store.removeAlias(alias.id);
  assert.equal(await store.readAlias(alias.id), undefined);
  const fresh = await store.resolveLogin({ ...login, mountAccessor: 'acc1' });
  assert.notEqual(fresh.entityId, b.id);
});

test('unknown mount accessors are refused when the store can resolve mounts', async () => {
  const store = new IdentityStore({
    storage: new InmemPhysical(), clock: new FakeClock(),
    lookupMount: (acc) => (acc === 'known' ? { type: 'userpass', path: 'auth/userpass/' } : undefined),
  });
  const e = (await store.writeEntity({ name: 'e' })).entity;
  await assert.rejects(store.writeAlias({ name: 'x', canonicalId: e.id, mountAccessor: 'nope' }), isBadRequest);
  const alias = await store.writeAlias({ name: 'x', canonicalId: e.id, mountAccessor: 'known' });
  assert.equal(alias.mountType, 'userpass');
  assert.equal(alias.mountPath, 'auth/userpass/');
});

test('groups: nesting gives transitive policies; cycles and unknown members are rejected', async () => {
  const { store } = world();
  const { entityId } = await store.resolveLogin(login);
  await store.writeEntity({ id: entityId, policies: ['own'] });
  const inner = (await store.writeGroup({ name: 'inner', policies: ['inner-p'], memberEntityIds: [entityId] })).group;
  const outer = (await store.writeGroup({ name: 'outer', policies: ['outer-p'], memberGroupIds: [inner.id] })).group;
  const top = (await store.writeGroup({ name: 'top', policies: ['top-p'], memberGroupIds: [outer.id] })).group;
  const eff = await store.effective(entityId);
  assert.deepEqual(eff.identityPolicies, ['inner-p', 'outer-p', 'own', 'top-p']);
  assert.deepEqual(eff.policies, eff.identityPolicies);
  assert.deepEqual(eff.groups.map((g) => g.name).sort(), ['inner', 'outer', 'top']);
  assert.equal(eff.entity?.aliases['auth_userpass_1']?.name, 'alice');
  assert.deepEqual(await store.entityGroups(entityId), { direct: [inner.id], inherited: [outer.id, top.id].sort() });
  assert.deepEqual(await store.parentGroups(inner.id), [outer.id]);
  // inner ⊂ outer ⊂ top: making top a member of inner (or inner of itself) closes a cycle.
  await assert.rejects(store.writeGroup({ id: inner.id, memberGroupIds: [top.id] }), /cyclic/);
  await assert.rejects(store.writeGroup({ id: inner.id, memberGroupIds: [inner.id] }), /same as the ID/);
  await assert.rejects(store.writeGroup({ name: 'g', memberEntityIds: ['nope'] }), isBadRequest);
  await assert.rejects(store.writeGroup({ name: 'g', memberGroupIds: ['nope'] }), isBadRequest);
  await assert.rejects(store.writeGroup({ name: 'inner2', memberGroupIds: [] }).then(() => store.writeGroup({ id: outer.id, name: 'top' })), isBadRequest);
  // Deleting the middle group cuts the chain and drops it from its parent.
  await store.removeGroup(outer.id);
  assert.deepEqual((await store.readGroup(top.id))?.memberGroupIds, []);
  assert.deepEqual((await store.effective(entityId)).identityPolicies, ['inner-p', 'own']);
});

test('disabled entities are refused; deleted ones contribute nothing and leave their groups', async () => {
  const { store } = world();
  const { entityId } = await store.resolveLogin(login);
  const g = (await store.writeGroup({ name: 'g', policies: ['p'], memberEntityIds: [entityId] })).group;
  await store.writeEntity({ id: entityId, disabled: true });
  await assert.rejects(store.effective(entityId), (e: unknown) => e instanceof ArcaError && e.code === 'permission_denied');
  await store.writeEntity({ id: entityId, disabled: false });
  assert.deepEqual((await store.effective(entityId)).policies, ['p']);
  await store.removeEntity(entityId);
  assert.deepEqual((await store.effective(entityId)).policies, []);
  assert.deepEqual((await store.readGroup(g.id))?.memberEntityIds, []);
  assert.deepEqual((await store.effective('')).policies, []);
});

/** The real in-memory store, counting the reads that reach it. */
class CountingPhysical extends InmemPhysical {
  reads = 0;
  override async get(key: string): Promise<Uint8Array | undefined> {
    this.reads += 1;
    return super.get(key);
  }
}

test('tokenEntityActive: live and merged-away entities act; deleted, disabled and unknown ones do not; from the cache', async () => {
  const physical = new CountingPhysical();
  const store = new IdentityStore({ storage: physical, clock: new FakeClock() });
  const alice = (await store.resolveLogin(login)).entityId;
  // On another mount, so the merge below has no alias conflict.
  const bob = (await store.resolveLogin({ ...login, mountAccessor: 'auth_userpass_2', aliasName: 'bob' })).entityId;
  const carol = (await store.resolveLogin({ ...login, aliasName: 'carol' })).entityId;
  assert.equal(await store.tokenEntityActive(alice), true);
  assert.equal(await store.tokenEntityActive('never-existed'), false);

  // Once seen, found and missing ids alike are answered without reading storage.
  const before = physical.reads;
  for (let i = 0; i < 5; i++) {
    assert.equal(await store.tokenEntityActive(alice), true);
    assert.equal(await store.tokenEntityActive('never-existed'), false);
  }
  assert.equal(physical.reads, before);

  // Disabled: refused until enabled again (each write drops the cache).
  await store.writeEntity({ id: alice, disabled: true });
  assert.equal(await store.tokenEntityActive(alice), false);
  await store.writeEntity({ id: alice, disabled: false });
  assert.equal(await store.tokenEntityActive(alice), true);

  // Merged away: acts as the target, and follows the target's state.
  await store.mergeEntities({ toEntityId: bob, fromEntityIds: [alice], conflictingAliasIdsToKeep: [] });
  assert.equal(await store.tokenEntityActive(alice), true);
  await store.writeEntity({ id: bob, disabled: true });
  assert.equal(await store.tokenEntityActive(alice), false);
  await store.removeEntity(bob);
  assert.equal(await store.tokenEntityActive(bob), false);
  assert.equal(await store.tokenEntityActive(alice), false, 'the merge target is gone');

  // Deleted (not merged): refused.
  await store.removeEntity(carol);
  assert.equal(await store.tokenEntityActive(carol), false);
});

test('grants: active until `until`, then gone; events granted → used (once) → expired (once)', async () => {
  const { store, clock, events } = world();
  const { entityId } = await store.resolveLogin(login);
  const grant = await store.grant({ target: 'entity', id: entityId, policies: ['ops'], until: '2h', reason: 'incident 42', grantedBy: 'admin' });
  assert.equal(grant.until, clock.now() + 2 * 3600_000);
  assert.deepEqual((await store.effective(entityId)).policies, ['ops']);
  assert.deepEqual((await store.effective(entityId)).identityPolicies, []);
  await store.effective(entityId);
  clock.advance(2 * 3600_000 - 1);
  assert.deepEqual((await store.effective(entityId)).grants.map((g) => g.id), [grant.id]);
  clock.advance(1);
  assert.deepEqual((await store.effective(entityId)).policies, []);
  await store.effective(entityId);
  assert.deepEqual(events.map((e) => e.kind), ['granted', 'used', 'expired']);
  assert.ok(events.every((e) => e.grant.id === grant.id));
  // Still listed (the record of who got what) until revoked.
  assert.equal((await store.listGrants()).length, 1);
  await store.revokeGrant(grant.id);
  assert.deepEqual(events.map((e) => e.kind), ['granted', 'used', 'expired', 'revoked']);
  assert.equal(await store.readGrant(grant.id), undefined);
});

test('grants: to groups, absolute until, revocation, validation', async () => {
  const { store, clock, events } = world();
  const { entityId } = await store.resolveLogin(login);
  const g = (await store.writeGroup({ name: 'oncall', memberEntityIds: [entityId] })).group;
  const until = new Date(clock.now() + 3600_000).toISOString();
  const grant = await store.grant({ target: 'group', id: g.id, policies: ['db-admin'], until, reason: 'migration', grantedBy: 'admin' });
  assert.deepEqual((await store.effective(entityId)).policies, ['db-admin']);
  assert.deepEqual((await store.grantsFor('group', g.id)).map((x) => x.id), [grant.id]);
  await store.revokeGrant(grant.id);
  assert.deepEqual((await store.effective(entityId)).policies, []);
  assert.deepEqual(events.map((e) => e.kind), ['granted', 'used', 'revoked']);
  const base = { target: 'entity' as const, id: entityId, policies: ['x'], reason: 'r', grantedBy: 'a' };
  await assert.rejects(store.grant({ ...base, until: '0s' }), isBadRequest);
  await assert.rejects(store.grant({ ...base, until: new Date(clock.now() - 1000).toISOString() }), isBadRequest);
  await assert.rejects(store.grant({ ...base, until: '2400h' }), isBadRequest);
  await assert.rejects(store.grant({ ...base, until: 'soon' }), isBadRequest);
  await assert.rejects(store.grant({ ...base, until: '1h', policies: [] }), isBadRequest);
  await assert.rejects(store.grant({ ...base, until: '1h', policies: ['root'] }), isBadRequest);
  await assert.rejects(store.grant({ ...base, until: '1h', reason: ' ' }), isBadRequest);
  await assert.rejects(store.grant({ ...base, until: '1h', id: 'missing' }), isBadRequest);
});

test('caches: a second store on the same storage sees writes after invalidate()', async () => {
  const { store, physical, clock } = world();
  const other = new IdentityStore({ storage: physical, clock });
  const { entityId } = await store.resolveLogin(login);
  assert.deepEqual((await other.effective(entityId)).policies, []);
  await store.writeEntity({ id: entityId, policies: ['p'] });
  assert.deepEqual((await store.effective(entityId)).policies, ['p']);
  assert.deepEqual((await other.effective(entityId)).policies, []); // stale until told
  other.invalidate();
  assert.deepEqual((await other.effective(entityId)).policies, ['p']);
});
