// src/core/identity — group writes inside one storage transaction. Memberships are checked
// against the transaction's own view of every group, so a nesting cycle is rejected even
// when two writers race (the transaction is serializable). Member entities and groups must
// exist when they are added. External groups (Vault's type "external") take no members by
// hand: their member entities come from logins matching their alias (group-alias-writes.ts)
// and they contain no groups, though an internal group may contain them. A group's type is
// fixed at creation.
import { randomUUID } from 'node:crypto';
import { ArcaError } from '../../lib/errors.js';
import type { StorageViewTransaction } from '../../storage/storage-view.js';
import { GroupGraph } from './group-graph.js';
import { identityKeys } from './identity-records.js';
import type { GrantRecord, GroupRecord, GroupType, IdRef } from './identity-records.js';

type Tx = StorageViewTransaction;

export interface GroupInput {
  readonly id?: string;
  readonly name?: string;
  /** Only on creation (or unchanged); default "internal". */
  readonly type?: GroupType;
  readonly policies?: readonly string[];
  readonly memberEntityIds?: readonly string[];
  readonly memberGroupIds?: readonly string[];
  readonly metadata?: Readonly<Record<string, string>>;
}

function bad(message: string): ArcaError {
  return new ArcaError('invalid_request', message);
}

export async function allGroups(tx: Tx): Promise<GroupRecord[]> {
  const out: GroupRecord[] = [];
  for (const key of await tx.scan(identityKeys.groupPrefix)) {
    const g = await tx.getJson<GroupRecord>(key);
    if (g) out.push(g);
  }
  return out;
}

async function findExisting(tx: Tx, input: GroupInput): Promise<GroupRecord | undefined> {
  if (input.id !== undefined) {
    const g = await tx.getJson<GroupRecord>(identityKeys.group(input.id));
    if (!g) throw bad('group not found from id');
    return g;
  }
  if (input.name === undefined) return undefined;
  const ref = await tx.getJson<IdRef>(identityKeys.groupName(input.name));
  return ref ? tx.getJson<GroupRecord>(identityKeys.group(ref.id)) : undefined;
}

async function checkMembers(tx: Tx, id: string, entityIds: readonly string[], groupIds: readonly string[]): Promise<void> {
  for (const e of entityIds) {
    if (!(await tx.get(identityKeys.entity(e)))) throw bad(`invalid member entity ID ${JSON.stringify(e)}`);
  }
  if (groupIds.length === 0) return;
  const graph = new GroupGraph(await allGroups(tx));
  for (const g of groupIds) {
    if (g === id) throw bad(`member group ID ${JSON.stringify(g)} is same as the ID of the group`);
    if (!graph.byId.has(g)) throw bad(`invalid member group ID ${JSON.stringify(g)}`);
  }
  const cycle = graph.wouldCycle(id, groupIds);
  if (cycle !== undefined) throw bad(`cyclic relationship detected for member group ID ${JSON.stringify(cycle)}`);
}

/** Creates, or updates the group named by `id` or else by `name`; unset fields are kept. */
export async function upsertGroup(tx: Tx, input: GroupInput, now: number): Promise<{ group: GroupRecord; created: boolean }> {
  const existing = await findExisting(tx, input);
  if (existing && input.type !== undefined && input.type !== existing.type) throw bad('group type cannot be changed');
  const type = input.type ?? existing?.type ?? 'internal';
  if (type === 'external' && input.memberEntityIds !== undefined) throw bad("member entities can't be set manually for external groups");
  if (type === 'external' && input.memberGroupIds !== undefined) throw bad("member groups can't be set for external groups");
  const id = existing?.id ?? randomUUID();
  const name = input.name ?? existing?.name ?? `group_${id.slice(0, 8)}`;
  const memberEntityIds = input.memberEntityIds ?? existing?.memberEntityIds ?? [];
  const memberGroupIds = input.memberGroupIds ?? existing?.memberGroupIds ?? [];
  await checkMembers(tx, id, input.memberEntityIds ?? [], input.memberGroupIds ?? []);
  if (existing?.name !== name) {
    const owner = await tx.getJson<IdRef>(identityKeys.groupName(name));
    if (owner && owner.id !== id) throw bad(`group name ${JSON.stringify(name)} is already in use`);
    if (existing) await tx.delete(identityKeys.groupName(existing.name));
    await tx.putJson(identityKeys.groupName(name), { id });
  }
  const group: GroupRecord = {
    id, name, type,
    policies: input.policies ?? existing?.policies ?? [],
    memberEntityIds, memberGroupIds,
    metadata: input.metadata ?? existing?.metadata ?? {},
    created: existing?.created ?? now, updated: now,
    modifyIndex: (existing?.modifyIndex ?? 0) + 1,
    ...(existing?.alias ? { alias: existing.alias } : {}),
  };
  await tx.putJson(identityKeys.group(id), group);
  return { group, created: !existing };
}

/** Deletes a group with its alias, drops it from every parent's member list, and drops grants made to it. */
export async function deleteGroup(tx: Tx, id: string, now: number): Promise<GroupRecord | undefined> {
  const group = await tx.getJson<GroupRecord>(identityKeys.group(id));
  if (!group) return undefined;
  await tx.delete(identityKeys.group(id));
  await tx.delete(identityKeys.groupName(group.name));
  if (group.alias) {
    await tx.delete(identityKeys.groupAlias(group.alias.id));
    await tx.delete(identityKeys.groupAliasKey(group.alias.mountAccessor, group.alias.name));
  }
  for (const parent of await allGroups(tx)) {
    if (!parent.memberGroupIds.includes(id)) continue;
    const next: GroupRecord = {
      ...parent,
      memberGroupIds: parent.memberGroupIds.filter((g) => g !== id),
      updated: now,
      modifyIndex: parent.modifyIndex + 1,
    };
    await tx.putJson(identityKeys.group(parent.id), next);
  }
  for (const key of await tx.scan(identityKeys.grantPrefix)) {
    const grant = await tx.getJson<GrantRecord>(key);
    if (grant?.target === 'group' && grant.targetId === id) await tx.delete(key);
  }
  return group;
}
