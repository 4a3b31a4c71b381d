// Unit tests of IdentityStore for external groups: group aliases, the memberships logins
// derive from them, and entity merge (real in-memory storage, fake clock).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import { InmemPhysical } from '../../storage/inmem/inmem-physical.js';
import { IdentityStore } from './identity-store.js';
import type { LoginIdentity } from './resolve-login.js';

const OIDC = 'auth_oidc_1';
const GITHUB = 'auth_github_1';

function world(): { store: IdentityStore; physical: InmemPhysical; clock: FakeClock; writes: () => number } {
  const physical = new InmemPhysical();
  const clock = new FakeClock();
  let changes = 0;
  const mounts: Record<string, { type: string; path: string }> = { [OIDC]: { type: 'oidc', path: 'oidc/' }, [GITHUB]: { type: 'github', path: 'github/' } };
  const store = new IdentityStore({ storage: physical, clock, lookupMount: (a) => mounts[a], onChange: () => void changes++ });
  return { store, physical, clock, writes: () => changes };
}

const isBadRequest = (e: unknown): boolean => e instanceof ArcaError && e.code === 'invalid_request';

function oidcLogin(name: string, groups?: string[]): LoginIdentity {
  return { mountAccessor: OIDC, mountType: 'oidc', aliasName: name, ...(groups ? { groupAliases: groups } : {}) };
}

async function externalGroup(store: IdentityStore, name: string, alias: string, accessor = OIDC, policies = [name]): Promise<string> {
  const { group } = await store.writeGroup({ name, type: 'external', policies });
  await store.writeGroupAlias({ name: alias, mountAccessor: accessor, canonicalId: group.id });
  return group.id;
}

test('a login joins the external groups its groups name on this mount, and leaves them when they are gone', async () => {
  const { store, writes } = world();
  const admins = await externalGroup(store, 'admins', 'admins');
  const devs = await externalGroup(store, 'devs', 'developers');
  const ghAdmins = await externalGroup(store, 'gh-admins', 'admins', GITHUB);
  // A parent internal group containing the external one passes its policies down.
  const { group: parent } = await store.writeGroup({ name: 'ops', policies: ['ops'], memberGroupIds: [admins] });

  const { entityId } = await store.resolveLogin(oidcLogin('alice', ['admins', 'unrelated']));
  let eff = await store.effective(entityId);
  assert.deepEqual(eff.identityPolicies, ['admins', 'ops']);
  assert.deepEqual(eff.groups.map((g) => g.name).sort(), ['admins', 'ops']);
  assert.deepEqual((await store.readGroup(admins))?.memberEntityIds, [entityId]);
  assert.deepEqual((await store.entityGroups(entityId)).inherited, [parent.id]);

  // The same groups again: nothing is written.
  const before = writes();
  await store.resolveLogin(oidcLogin('alice', ['unrelated', 'admins']));
  assert.equal(writes(), before);

  await store.resolveLogin(oidcLogin('alice', ['developers']));
  eff = await store.effective(entityId);
  assert.deepEqual(eff.identityPolicies, ['devs']);
  assert.deepEqual((await store.readGroup(admins))?.memberEntityIds, []);
  assert.deepEqual((await store.readGroup(devs))?.memberEntityIds, [entityId]);

  // A method that reports no groups leaves memberships alone; [] removes this mount's.
  await store.resolveLogin(oidcLogin('alice'));
  assert.deepEqual((await store.effective(entityId)).identityPolicies, ['devs']);
  await store.resolveLogin(oidcLogin('alice', []));
  assert.deepEqual((await store.effective(entityId)).identityPolicies, []);
  assert.deepEqual((await store.readGroup(ghAdmins))?.memberEntityIds, [], "an alias on another mount never matches an oidc login's groups");
});

test("a login's groups never touch another mount's external groups or internal groups", async () => {
  const { store } = world();
  const ghAdmins = await externalGroup(store, 'gh-admins', 'admins', GITHUB);
  const { entityId } = await store.resolveLogin(oidcLogin('alice'));
  await store.writeAlias({ name: 'alice-gh', mountAccessor: GITHUB, canonicalId: entityId });
  await store.resolveLogin({ mountAccessor: GITHUB, mountType: 'github', aliasName: 'alice-gh', groupAliases: ['admins'] });
  const { group: internal } = await store.writeGroup({ name: 'staff', policies: ['staff'], memberEntityIds: [entityId] });
  // An oidc login with no groups keeps the github group and the internal one.
  await store.resolveLogin(oidcLogin('alice', []));
  assert.deepEqual((await store.readGroup(ghAdmins))?.memberEntityIds, [entityId]);
  assert.deepEqual((await store.readGroup(internal.id))?.memberEntityIds, [entityId]);
  assert.deepEqual((await store.effective(entityId)).identityPolicies, ['gh-admins', 'staff']);
});

test('concurrent logins of many users into one external group lose no membership', async () => {
  const { store } = world();
  const admins = await externalGroup(store, 'admins', 'admins');
  const users = Array.from({ length: 12 }, (_, i) => `user-${i}`);
  const ids = await Promise.all(users.map(async (u) => (await store.resolveLogin(oidcLogin(u, ['admins']))).entityId));
  assert.deepEqual([...((await store.readGroup(admins))?.memberEntityIds ?? [])].sort(), [...ids].sort());
});

test('changing or deleting a group alias drops the members it produced; deleting the group drops the alias', async () => {
  const { store } = world();
  const admins = await externalGroup(store, 'admins', 'admins');
  const { entityId } = await store.resolveLogin(oidcLogin('alice', ['admins']));
  const alias = (await store.readGroup(admins))?.alias;
  assert.ok(alias);
  await store.writeGroupAlias({ id: alias.id, name: 'admins' }); // unchanged: members stay
  assert.deepEqual((await store.readGroup(admins))?.memberEntityIds, [entityId]);
  await store.writeGroupAlias({ id: alias.id, name: 'platform-admins' });
  assert.deepEqual((await store.readGroup(admins))?.memberEntityIds, []);
  await store.resolveLogin(oidcLogin('alice', ['platform-admins']));
  assert.deepEqual((await store.effective(entityId)).identityPolicies, ['admins']);
  // Moving the alias to another external group: both start without members.
  const { group: other } = await store.writeGroup({ name: 'other', type: 'external', policies: ['other'] });
  await store.writeGroupAlias({ id: alias.id, canonicalId: other.id });
  assert.equal((await store.readGroup(admins))?.alias, undefined);
  assert.equal((await store.readGroup(other.id))?.alias?.id, alias.id);
  assert.deepEqual((await store.effective(entityId)).identityPolicies, []);
  await store.resolveLogin(oidcLogin('alice', ['platform-admins']));
  assert.deepEqual((await store.effective(entityId)).identityPolicies, ['other']);
  await store.removeGroupAlias(alias.id);
  assert.deepEqual((await store.effective(entityId)).identityPolicies, []);
  assert.equal(await store.readGroupAlias(alias.id), undefined);
  // Deleting a group deletes its alias, so the (mount, name) pair is free again.
  const again = await store.writeGroupAlias({ name: 'platform-admins', mountAccessor: OIDC, canonicalId: other.id });
  await store.removeGroup(other.id);
  assert.equal(await store.readGroupAlias(again.alias.id), undefined);
  assert.equal((await store.writeGroupAlias({ name: 'platform-admins', mountAccessor: OIDC })).created, true);
});

test('group alias input: unknown mount accessor, bounded names, a login reporting too many groups', async () => {
  const { store } = world();
  const { group } = await store.writeGroup({ name: 'g', type: 'external' });
  await assert.rejects(store.writeGroupAlias({ name: 'a', mountAccessor: 'auth_nope', canonicalId: group.id }), isBadRequest);
  await assert.rejects(store.writeGroupAlias({ name: 'x'.repeat(600), mountAccessor: OIDC, canonicalId: group.id }), isBadRequest);
  await assert.rejects(store.writeGroupAlias({ name: ' ', mountAccessor: OIDC, canonicalId: group.id }), isBadRequest);
  const alias = await store.writeGroupAlias({ name: 'g', mountAccessor: OIDC, canonicalId: group.id });
  assert.equal(alias.alias.mountType, 'oidc');
  assert.equal(alias.alias.mountPath, 'oidc/');
  await assert.rejects(store.resolveLogin(oidcLogin('alice', Array.from({ length: 1025 }, (_, i) => `g${i}`))), isBadRequest);
  // Names no alias could have are skipped, not refused.
  const { entityId } = await store.resolveLogin(oidcLogin('alice', ['', 'x'.repeat(600), ' g', 'g']));
  assert.deepEqual((await store.readGroup(group.id))?.memberEntityIds, [entityId]);
});

test('a second store on the same storage sees login-driven memberships after invalidate()', async () => {
  const { store, physical, clock } = world();
  const other = new IdentityStore({ storage: physical, clock });
  await externalGroup(store, 'admins', 'admins');
  const { entityId } = await store.resolveLogin(oidcLogin('alice'));
  assert.deepEqual((await other.effective(entityId)).policies, []);
  await store.resolveLogin(oidcLogin('alice', ['admins']));
  assert.deepEqual((await other.effective(entityId)).policies, [], 'stale until told');
  other.invalidate();
  assert.deepEqual((await other.effective(entityId)).policies, ['admins']);
});

test('merge: tokens of a merged entity resolve to the target; groups and grants follow; merged ids chain', async () => {
  const { store, physical } = world();
  const admins = await externalGroup(store, 'admins', 'admins');
  const a = (await store.resolveLogin(oidcLogin('alice', ['admins']))).entityId;
  const b = (await store.resolveLogin({ mountAccessor: GITHUB, mountType: 'github', aliasName: 'alice-gh' })).entityId;
  await store.writeEntity({ id: a, policies: ['from-policy'] });
  await store.writeEntity({ id: b, name: 'alice', policies: ['to-policy'] });
  const grant = await store.grant({ target: 'entity', id: a, policies: ['temp'], until: '1h', reason: 'r', grantedBy: 'test' });
  const merged = await store.mergeEntities({ toEntityId: b, fromEntityIds: [a], conflictingAliasIdsToKeep: [] });
  assert.deepEqual(merged.mergedEntityIds, [a]);
  assert.equal(await store.readEntity(a), undefined);
  // The from-entity's own policies are not carried over (Vault's API merge).
  const eff = await store.effective(a);
  assert.equal(eff.entity?.id, b);
  assert.deepEqual(eff.identityPolicies, ['admins', 'to-policy']);
  assert.deepEqual(eff.policies, ['admins', 'temp', 'to-policy']);
  assert.equal((await store.readGrant(grant.id))?.targetId, b);
  assert.deepEqual((await store.readGroup(admins))?.memberEntityIds, [b]);
  // The oidc alias now logs in as b; its groups are refreshed on b.
  assert.equal((await store.resolveLogin(oidcLogin('alice', []))).entityId, b);
  assert.deepEqual((await store.effective(a)).identityPolicies, ['to-policy']);

  // Merging b into c re-points a as well; deleting c drops both redirects.
  const c = (await store.writeEntity({ name: 'carol' })).entity.id;
  await store.mergeEntities({ toEntityId: c, fromEntityIds: [b], conflictingAliasIdsToKeep: [] });
  assert.equal((await store.effective(a)).entity?.id, c);
  assert.deepEqual((await store.readEntity(c))?.mergedEntityIds, [a, b]);
  await store.removeEntity(c);
  assert.equal((await store.effective(a)).entity, undefined);
  assert.equal((await store.effective(b)).entity, undefined);
  assert.deepEqual((await physical.scan('sys/identity/merged/')), []);
});

test('merge conflicts: two from-entities on one mount, keep lists, atomic refusal', async () => {
  const { store } = world();
  const to = (await store.resolveLogin(oidcLogin('t'))).entityId;
  const f1 = (await store.resolveLogin({ mountAccessor: GITHUB, mountType: 'github', aliasName: 'f1' })).entityId;
  const f2 = (await store.resolveLogin({ mountAccessor: GITHUB, mountType: 'github', aliasName: 'f2' })).entityId;
  const f3 = (await store.resolveLogin(oidcLogin('f3'))).entityId;
  await assert.rejects(store.mergeEntities({ toEntityId: to, fromEntityIds: [f1, f2], conflictingAliasIdsToKeep: [] }), /multiple from entities/);
  await assert.rejects(store.mergeEntities({ toEntityId: to, fromEntityIds: [f1, 'missing'], conflictingAliasIdsToKeep: [] }), /merge from is invalid/);
  assert.ok(await store.readEntity(f1), 'a refused merge changes nothing');
  await assert.rejects(store.mergeEntities({ toEntityId: to, fromEntityIds: [f1, f3], conflictingAliasIdsToKeep: ['x'] }), /merge one entity at a time/);
  const toAlias = (await store.readEntity(to))?.aliases[0]?.id ?? '';
  const f3Alias = (await store.readEntity(f3))?.aliases[0]?.id ?? '';
  await assert.rejects(store.mergeEntities({ toEntityId: to, fromEntityIds: [f3], conflictingAliasIdsToKeep: [toAlias, f3Alias] }), /both/);
  // Keeping the to-entity's alias deletes the from-entity's: its account starts afresh.
  await store.mergeEntities({ toEntityId: to, fromEntityIds: [f3], conflictingAliasIdsToKeep: [toAlias] });
  assert.deepEqual((await store.readEntity(to))?.aliases.map((a) => a.name), ['t']);
  assert.equal(await store.readAlias(f3Alias), undefined);
  assert.notEqual((await store.resolveLogin(oidcLogin('f3'))).entityId, to);
});
