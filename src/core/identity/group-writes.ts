// src/core/identity — group writes inside one storage transaction. Memberships are checked
// against the transaction's own view of every group, so a nesting cycle is rejected even
// when two writers race (the transaction is serializable). Member entities and groups must
// exist when they are added.
import { randomUUID } from 'node:crypto';
import { ArcaError } from '../../lib/errors.js';
import type { StorageViewTransaction } from '../../storage/storage-view.js';
import { GroupGraph } from './group-graph.js';
import { identityKeys } from './identity-records.js';
import type { GrantRecord, GroupRecord, IdRef } from './identity-records.js';

type Tx = StorageViewTransaction;

export interface GroupInput {
  readonly id?: string;
  readonly name?: string;
  readonly policies?: readonly string[];
  readonly memberEntityIds?: readonly string[];
  readonly memberGroupIds?: readonly string[];
  readonly metadata?: Readonly<Record<string, string>>;
}

function bad(message: string): ArcaError {
  return new ArcaError('invalid_request', message);
}

async function allGroups(tx: Tx): Promise<GroupRecord[]> {
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
    id, name, type: 'internal',
    policies: input.policies ?? existing?.policies ?? [],
    memberEntityIds, memberGroupIds,
    metadata: input.metadata ?? existing?.metadata ?? {},
    created: existing?.created ?? now, updated: now,
    modifyIndex: (existing?.modifyIndex ?? 0) + 1,
  };
  await tx.putJson(identityKeys.group(id), group);
  return { group, created: !existing };
}

/** Deletes a group, drops it from every parent's member list, and drops grants made to it. */
export async function deleteGroup(tx: Tx, id: string, now: number): Promise<GroupRecord | undefined> {
  const group = await tx.getJson<GroupRecord>(identityKeys.group(id));
  if (!group) return undefined;
  await tx.delete(identityKeys.group(id));
  await tx.delete(identityKeys.groupName(group.name));
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
