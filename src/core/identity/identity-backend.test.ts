import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/logger.js';
import { InmemPhysical } from '../../storage/inmem/inmem-physical.js';
import { StorageView } from '../../storage/storage-view.js';
import { BackendHandler } from '../../framework/backend-handler.js';
import type { LogicalResponse, Operation } from '../../framework/logical.js';
import { buildRequest } from '../../engines/kv/kv-testing.js';
import { createIdentityBackend } from './identity-backend.js';
import { IdentityStore } from './identity-store.js';

function world() {
  const physical = new InmemPhysical();
  const clock = new FakeClock();
  const store = new IdentityStore({ storage: physical, clock });
  const handler = new BackendHandler(createIdentityBackend(store), {
    storage: new StorageView(physical, 'logical/identity/'), clock, logger: silentLogger, options: {},
    mountPoint: 'identity/', mountAccessor: 'identity_1', config: () => ({ defaultLeaseTtl: 0, maxLeaseTtl: 0 }),
  });
  const call = (op: Operation, path: string, data: Record<string, unknown> = {}): Promise<LogicalResponse | undefined> =>
    handler.handle(buildRequest(op, path, data, { tokenKey: 'k1' }));
  const data = async (op: Operation, path: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown>> => {
    const res = await call(op, path, body);
    assert.ok(res?.data, `${op} ${path} returned no data`);
    return res.data;
  };
  const fail = async (op: Operation, path: string, body: Record<string, unknown> = {}): Promise<ArcaError> => {
    try {
      await call(op, path, body);
    } catch (err) {
      if (err instanceof ArcaError) return err;
      throw err;
    }
    throw new Error(`expected ${op} ${path} to fail`);
  };
  return { store, clock, handler, call, data, fail };
}

test('entity: create returns id and name; reads by id and name; update is 204; list; delete', async () => {
  const w = world();
  const created = await w.data('update', 'entity', { name: 'svc', policies: 'a,b', metadata: { team: 'x' } });
  const id = created['id'] as string;
  assert.equal(created['name'], 'svc');
  const read = await w.data('read', `entity/id/${id}`);
  assert.deepEqual(read['policies'], ['a', 'b']);
  assert.deepEqual(read['metadata'], { team: 'x' });
  assert.deepEqual(read['aliases'], []);
  assert.deepEqual(read['group_ids'], []);
  assert.deepEqual(read['temporary_grants'], []);
  assert.equal(read['disabled'], false);
  assert.equal(read['creation_time'], new Date(w.clock.now()).toISOString());
  assert.equal((await w.data('read', 'entity/name/svc'))['id'], id);
  assert.equal(await w.call('update', `entity/id/${id}`, { policies: ['c'] }), undefined);
  assert.deepEqual((await w.data('read', `entity/id/${id}`))['policies'], ['c']);
  assert.equal(await w.call('update', 'entity/name/svc', { disabled: true }), undefined);
  assert.equal((await w.data('read', `entity/id/${id}`))['disabled'], true);
  const byName = await w.data('update', 'entity/name/second', {});
  const list = await w.data('list', 'entity/id');
  assert.deepEqual((list['keys'] as string[]).sort(), [id, byName['id'] as string].sort());
  assert.equal((list['key_info'] as Record<string, { name: string }>)[id]?.name, 'svc');
  assert.deepEqual((await w.data('list', 'entity/name/'))['keys'], ['second', 'svc']);
  assert.equal(await w.call('delete', `entity/id/${id}`), undefined);
  assert.equal(await w.call('read', `entity/id/${id}`), undefined);
  assert.equal(await w.call('delete', 'entity/name/second'), undefined);
  assert.equal(await w.call('list', 'entity/id'), undefined);
  assert.equal((await w.fail('update', 'entity/id/missing', { policies: ['x'] })).status, 404);
  assert.equal((await w.fail('update', 'entity', { name: 'r', policies: ['root'] })).status, 400);
});

test('existence checks decide create vs update for ACLs', async () => {
  const w = world();
  const id = (await w.data('update', 'entity', { name: 'svc' }))['id'] as string;
  const exists = (path: string, body: Record<string, unknown> = {}) => w.handler.exists(buildRequest('update', path, body, {}));
  assert.equal(await exists('entity', { name: 'svc' }), true);
  assert.equal(await exists('entity', { name: 'new' }), false);
  assert.equal(await exists(`entity/id/${id}`), true);
  assert.equal(await exists('entity/name/nope'), false);
  assert.equal(await exists('access/grant', {}), false);
});

test('entity-alias: create, read, list, conflicts, update, delete; entity read shows aliases', async () => {
  const w = world();
  const id = (await w.data('update', 'entity', { name: 'svc' }))['id'] as string;
  const alias = await w.data('update', 'entity-alias', { name: 'alice', canonical_id: id, mount_accessor: 'auth_userpass_1' });
  assert.equal(alias['canonical_id'], id);
  const aliasId = alias['id'] as string;
  const read = await w.data('read', `entity-alias/id/${aliasId}`);
  assert.equal(read['name'], 'alice');
  assert.equal(read['mount_accessor'], 'auth_userpass_1');
  assert.deepEqual(read['custom_metadata'], {});
  const entity = await w.data('read', `entity/id/${id}`);
  assert.equal((entity['aliases'] as { id: string }[])[0]?.id, aliasId);
  assert.equal((await w.fail('update', 'entity-alias', { name: 'alice', canonical_id: id, mount_accessor: 'auth_userpass_1' })).status, 400);
  assert.equal(await w.call('update', `entity-alias/id/${aliasId}`, { custom_metadata: { k: 'v' } }), undefined);
  assert.deepEqual((await w.data('read', `entity-alias/id/${aliasId}`))['custom_metadata'], { k: 'v' });
  assert.deepEqual((await w.data('list', 'entity-alias/id'))['keys'], [aliasId]);
  // No canonical id: a fresh entity is made for the alias, as in Vault.
  const lone = await w.data('update', 'entity-alias', { name: 'bob', mount_accessor: 'auth_userpass_1' });
  assert.notEqual(lone['canonical_id'], id);
  await w.call('delete', `entity-alias/id/${aliasId}`);
  assert.equal(await w.call('read', `entity-alias/id/${aliasId}`), undefined);
});

test('group: nested membership shows in entity reads; cycles are 400', async () => {
  const w = world();
  const { entityId } = await w.store.resolveLogin({ mountAccessor: 'acc', mountType: 'userpass', aliasName: 'alice' });
  const inner = await w.data('update', 'group', { name: 'inner', policies: ['p1'], member_entity_ids: [entityId] });
  const outer = await w.data('update', 'group', { name: 'outer', policies: 'p2', member_group_ids: [inner['id']] });
  const e = await w.data('read', `entity/id/${entityId}`);
  assert.deepEqual(e['direct_group_ids'], [inner['id']]);
  assert.deepEqual(e['inherited_group_ids'], [outer['id']]);
  assert.deepEqual((e['group_ids'] as string[]).length, 2);
  const g = await w.data('read', `group/id/${inner['id'] as string}`);
  assert.deepEqual(g['parent_group_ids'], [outer['id']]);
  assert.deepEqual(g['member_entity_ids'], [entityId]);
  assert.equal(g['type'], 'internal');
  assert.equal((await w.data('read', 'group/name/outer'))['id'], outer['id']);
  const cycle = await w.fail('update', `group/id/${inner['id'] as string}`, { member_group_ids: [outer['id']] });
  assert.equal(cycle.status, 400);
  assert.match(cycle.message, /cyclic/);
  assert.deepEqual((await w.data('list', 'group/name'))['keys'], ['inner', 'outer']);
  const ids = await w.data('list', 'group/id');
  assert.equal((ids['key_info'] as Record<string, { num_parent_groups: number }>)[inner['id'] as string]?.num_parent_groups, 1);
  assert.equal(await w.call('update', 'group/name/outer', { policies: ['p3'] }), undefined);
  assert.deepEqual((await w.store.effective(entityId)).identityPolicies, ['p1', 'p3']);
  await w.call('delete', 'group/name/outer');
  assert.equal(await w.call('read', `group/id/${outer['id'] as string}`), undefined);
});

test('access/grant: create with ttl or until, visible on the entity, expires with the clock, revoke', async () => {
  const w = world();
  const id = (await w.data('update', 'entity', { name: 'svc' }))['id'] as string;
  const grant = await w.data('update', 'access/grant', { entity_id: id, policies: ['ops'], ttl: '1h', reason: 'incident 7' });
  const grantId = grant['id'] as string;
  assert.equal(grant['entity_id'], id);
  assert.equal(grant['ttl'], 3600);
  assert.equal(grant['active'], true);
  assert.match(grant['granted_by'] as string, /accessor acc_k1/);
  const e = await w.data('read', `entity/id/${id}`);
  assert.equal((e['temporary_grants'] as { id: string }[])[0]?.id, grantId);
  assert.deepEqual((await w.store.effective(id)).policies, ['ops']);
  w.clock.advance(3600_000);
  const after = await w.data('read', `access/grant/${grantId}`);
  assert.equal(after['active'], false);
  assert.equal(after['ttl'], 0);
  assert.deepEqual((await w.store.effective(id)).policies, []);
  const g = await w.data('update', 'group', { name: 'oncall' });
  const until = new Date(w.clock.now() + 600_000).toISOString();
  const g2 = await w.data('update', 'access/grant', { group_id: g['id'], policies: 'db', until, reason: 'r' });
  assert.equal(g2['until'], until);
  assert.deepEqual((await w.data('list', 'access/grant'))['keys'], [grantId, g2['id']]);
  await w.call('delete', `access/grant/${grantId}`);
  assert.equal(await w.call('read', `access/grant/${grantId}`), undefined);
  // Validation: exactly one target, exactly one of ttl/until, a reason, a known target.
  for (const body of [
    { policies: ['x'], ttl: '1h', reason: 'r' },
    { entity_id: id, group_id: g['id'], policies: ['x'], ttl: '1h', reason: 'r' },
    { entity_id: id, policies: ['x'], reason: 'r' },
    { entity_id: id, policies: ['x'], ttl: '1h', until, reason: 'r' },
    { entity_id: id, policies: ['x'], ttl: '1h' },
    { entity_id: 'missing', policies: ['x'], ttl: '1h', reason: 'r' },
    { entity_id: id, policies: ['x'], ttl: '1h', reason: '   ' },
  ]) {
    assert.equal((await w.fail('update', 'access/grant', body)).status, 400, JSON.stringify(body));
  }
});

test('group-alias: external groups take no members by hand; alias create, read, list, update, delete', async () => {
  const w = world();
  const ext = await w.data('update', 'group', { name: 'admins', type: 'external', policies: ['admin'] });
  const extId = ext['id'] as string;
  assert.equal((await w.data('read', `group/id/${extId}`))['type'], 'external');
  assert.match((await w.fail('update', 'group', { name: 'bad', type: 'external', member_entity_ids: [] })).message, /can't be set manually for external groups/);
  assert.match((await w.fail('update', `group/id/${extId}`, { member_group_ids: [] })).message, /member groups can't be set for external groups/);
  assert.match((await w.fail('update', `group/id/${extId}`, { type: 'internal' })).message, /group type cannot be changed/);
  const internal = await w.data('update', 'group', { name: 'staff' });
  // Only an external group takes an alias; name and mount_accessor are required.
  assert.match((await w.fail('update', 'group-alias', { name: 'x', mount_accessor: 'acc', canonical_id: internal['id'] })).message, /internal group/);
  assert.match((await w.fail('update', 'group-alias', { mount_accessor: 'acc', canonical_id: extId })).message, /missing alias name/);
  assert.match((await w.fail('update', 'group-alias', { name: 'admins', canonical_id: extId })).message, /missing mount_accessor/);
  assert.match((await w.fail('update', 'group-alias', { name: 'a', mount_accessor: 'acc', canonical_id: 'nope' })).message, /canonical_id/);

  const created = await w.data('update', 'group-alias', { name: 'admins', mount_accessor: 'auth_oidc_1', canonical_id: extId });
  const aliasId = created['id'] as string;
  assert.equal(created['canonical_id'], extId);
  const read = await w.data('read', `group-alias/id/${aliasId}`);
  assert.equal(read['name'], 'admins');
  assert.equal(read['mount_accessor'], 'auth_oidc_1');
  assert.equal(((await w.data('read', `group/id/${extId}`))['alias'] as { id: string }).id, aliasId);
  // One alias per group; one alias per (mount, name).
  assert.match((await w.fail('update', 'group-alias', { name: 'other', mount_accessor: 'auth_oidc_1', canonical_id: extId })).message, /already has an alias/);
  assert.match((await w.fail('update', 'group-alias', { name: 'admins', mount_accessor: 'auth_oidc_1' })).message, /already in use/);
  // Without canonical_id a new external group is made for the alias (Vault).
  const lone = await w.data('update', 'group-alias', { name: 'devs', mount_accessor: 'auth_oidc_1' });
  const loneGroup = await w.data('read', `group/id/${lone['canonical_id'] as string}`);
  assert.equal(loneGroup['type'], 'external');
  const list = await w.data('list', 'group-alias/id');
  assert.deepEqual((list['keys'] as string[]).sort(), [aliasId, lone['id'] as string].sort());
  assert.equal((list['key_info'] as Record<string, { name: string }>)[aliasId]?.name, 'admins');
  // Update by id (204), by POST group-alias with id, unknown id.
  assert.equal(await w.call('update', `group-alias/id/${aliasId}`, { name: 'admins-2' }), undefined);
  assert.equal((await w.data('read', `group-alias/id/${aliasId}`))['name'], 'admins-2');
  assert.equal(await w.call('update', 'group-alias', { id: aliasId, name: 'admins' }), undefined);
  assert.equal((await w.fail('update', 'group-alias/id/missing', { name: 'x' })).status, 404);
  assert.equal((await w.fail('update', 'group-alias', { id: 'missing', name: 'x' })).status, 400);
  // Deleting the alias keeps the group; deleting a group deletes its alias.
  assert.equal(await w.call('delete', `group-alias/id/${aliasId}`), undefined);
  assert.equal(await w.call('read', `group-alias/id/${aliasId}`), undefined);
  assert.deepEqual((await w.data('read', `group/id/${extId}`))['alias'], {});
  await w.call('delete', `group/id/${lone['canonical_id'] as string}`);
  assert.equal(await w.call('read', `group-alias/id/${lone['id'] as string}`), undefined);
  assert.equal(await w.call('list', 'group-alias/id'), undefined);
  // The name is free again.
  assert.ok((await w.data('update', 'group-alias', { name: 'devs', mount_accessor: 'auth_oidc_1', canonical_id: extId }))['id']);
});

test('entity/merge: aliases and groups move, the from-entity is gone, conflicts need conflicting_alias_ids_to_keep', async () => {
  const w = world();
  const alice = (await w.store.resolveLogin({ mountAccessor: 'acc_up', mountType: 'userpass', aliasName: 'alice' })).entityId;
  const aliceGh = (await w.store.resolveLogin({ mountAccessor: 'acc_gh', mountType: 'github', aliasName: 'alice-gh' })).entityId;
  const team = await w.data('update', 'group', { name: 'team', member_entity_ids: [aliceGh] });
  assert.match((await w.fail('update', 'entity/merge', { from_entity_ids: [aliceGh] })).message, /missing entity id to merge to/);
  assert.match((await w.fail('update', 'entity/merge', { to_entity_id: alice })).message, /missing entity ids to merge from/);
  assert.match((await w.fail('update', 'entity/merge', { to_entity_id: alice, from_entity_ids: [alice] })).message, /should not be present/);
  assert.match((await w.fail('update', 'entity/merge', { to_entity_id: 'nope', from_entity_ids: [aliceGh] })).message, /merge to is invalid/);
  assert.equal(await w.call('update', 'entity/merge', { to_entity_id: alice, from_entity_ids: `${aliceGh},${aliceGh}`, force: true }), undefined);
  const merged = await w.data('read', `entity/id/${alice}`);
  assert.deepEqual((merged['aliases'] as { name: string }[]).map((a) => a.name).sort(), ['alice', 'alice-gh']);
  assert.deepEqual(merged['merged_entity_ids'], [aliceGh]);
  assert.deepEqual(merged['direct_group_ids'], [team['id']]);
  assert.equal(await w.call('read', `entity/id/${aliceGh}`), undefined, 'a merged id reads as 404, as in Vault');

  // A second entity with an alias on acc_up conflicts with alice's.
  const other = (await w.store.resolveLogin({ mountAccessor: 'acc_up', mountType: 'userpass', aliasName: 'alice2' })).entityId;
  const clash = await w.fail('update', 'entity/merge', { to_entity_id: alice, from_entity_ids: [other] });
  assert.equal(clash.status, 400);
  assert.match(clash.message, /same mount accessor/);
  const otherAlias = (await w.store.readEntity(other))?.aliases[0]?.id ?? '';
  assert.equal(await w.call('update', 'entity/merge', { to_entity_id: alice, from_entity_ids: [other], conflicting_alias_ids_to_keep: [otherAlias] }), undefined);
  const after = await w.store.readEntity(alice);
  assert.deepEqual(after?.aliases.map((a) => a.name).sort(), ['alice-gh', 'alice2']);
  assert.deepEqual(after?.aliases.find((a) => a.name === 'alice2')?.mergedFromCanonicalIds, [other]);
});
