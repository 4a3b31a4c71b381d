// src/core/identity — group aliases and the external group memberships they drive, each
// write inside one storage transaction (records and the unique (mount, name) index never
// disagree). Vault's rules: only an external group has an alias, at most one; the pair
// (mount accessor, name) names one alias; an alias created without canonical_id gets a new
// external group of its own.
// An external group's member entities are derived from its alias alone: a login through
// the alias's mount that reports the alias's name adds the entity, one that does not
// removes it. So when the alias is deleted, moved to another group or re-pointed at another
// name or mount, the members it produced are dropped too (stricter than Vault, which keeps
// them until each member's next login); members come back at their next matching login.
import { randomUUID } from 'node:crypto';
import { ArcaError } from '../../lib/errors.js';
import type { StorageViewTransaction } from '../../storage/storage-view.js';
import type { MountLookup } from './entity-writes.js';
import { identityKeys } from './identity-records.js';
import type { GroupAliasRecord, GroupAliasRef, GroupRecord } from './identity-records.js';
import { upsertGroup } from './group-writes.js';

type Tx = StorageViewTransaction;

export interface GroupAliasInput {
  /** Set to update an existing alias. */
  readonly id?: string;
  readonly name?: string;
  readonly mountAccessor?: string;
  /** The external group; absent on creation = a new external group. */
  readonly canonicalId?: string;
}

function bad(message: string): ArcaError {
  return new ArcaError('invalid_request', message);
}

function getGroup(tx: Tx, id: string): Promise<GroupRecord | undefined> {
  return tx.getJson<GroupRecord>(identityKeys.group(id));
}

/** Writes a group with (or without) its alias and with its member entities replaced. */
async function putGroup(tx: Tx, group: GroupRecord, alias: GroupAliasRecord | undefined, members: readonly string[], now: number): Promise<void> {
  const { alias: _old, ...rest } = group;
  const next: GroupRecord = {
    ...rest,
    memberEntityIds: members,
    updated: now,
    modifyIndex: group.modifyIndex + 1,
    ...(alias ? { alias } : {}),
  };
  await tx.putJson(identityKeys.group(group.id), next);
}

/** The group holding alias `id`, with the alias; undefined when there is none. */
export async function findGroupAlias(tx: Tx, id: string): Promise<{ group: GroupRecord; alias: GroupAliasRecord } | undefined> {
  const ref = await tx.getJson<{ groupId: string }>(identityKeys.groupAlias(id));
  if (!ref) return undefined;
  const group = await getGroup(tx, ref.groupId);
  return group?.alias?.id === id ? { group, alias: group.alias } : undefined;
}

async function targetGroup(tx: Tx, canonicalId: string | undefined, owner: GroupRecord | undefined, aliasId: string | undefined, now: number): Promise<GroupRecord> {
  if (canonicalId === undefined || canonicalId === owner?.id) {
    return owner ?? (await upsertGroup(tx, { type: 'external' }, now)).group;
  }
  const group = await getGroup(tx, canonicalId);
  if (!group) throw bad("invalid group ID given in 'canonical_id'");
  if (group.type !== 'external') throw bad("alias can't be set on an internal group");
  if (group.alias && group.alias.id !== aliasId) throw bad(`group ${JSON.stringify(group.name)} already has an alias; an external group has at most one`);
  return group;
}

/**
 * Creates a group alias (name and mount_accessor required) or updates one by id (unset
 * fields are kept). Answers the alias and whether it was created.
 */
export async function putGroupAlias(tx: Tx, input: GroupAliasInput, now: number, mounts: MountLookup | undefined): Promise<{ alias: GroupAliasRecord; created: boolean }> {
  const found = input.id === undefined ? undefined : await findGroupAlias(tx, input.id);
  if (input.id !== undefined && !found) throw bad('group alias not found from id');
  const old = found?.alias;
  const name = input.name ?? old?.name;
  const accessor = input.mountAccessor ?? old?.mountAccessor;
  if (name === undefined) throw bad('missing alias name');
  if (accessor === undefined) throw bad('missing mount_accessor');
  const mount = mounts?.(accessor);
  if (mounts && !mount) throw bad(`invalid mount accessor ${JSON.stringify(accessor)}`);
  const taken = await tx.getJson<GroupAliasRef>(identityKeys.groupAliasKey(accessor, name));
  if (taken && taken.aliasId !== old?.id) throw bad('combination of mount and group alias name is already in use');
  const target = await targetGroup(tx, input.canonicalId, found?.group, old?.id, now);
  const moved = found !== undefined && found.group.id !== target.id;
  if (old && !moved && old.name === name && old.mountAccessor === accessor) return { alias: old, created: false };

  const alias: GroupAliasRecord = {
    id: old?.id ?? randomUUID(), canonicalId: target.id, mountAccessor: accessor,
    mountType: mount?.type ?? old?.mountType ?? '', mountPath: mount?.path ?? old?.mountPath ?? '',
    name, created: old?.created ?? now, updated: now,
  };
  if (old) await tx.delete(identityKeys.groupAliasKey(old.mountAccessor, old.name));
  if (found && moved) await putGroup(tx, found.group, undefined, [], now);
  // The binding is new or changed: members derived from the previous one are dropped.
  await putGroup(tx, target, alias, [], now);
  await tx.putJson(identityKeys.groupAlias(alias.id), { groupId: target.id });
  await tx.putJson(identityKeys.groupAliasKey(accessor, name), { aliasId: alias.id, groupId: target.id } satisfies GroupAliasRef);
  return { alias, created: old === undefined };
}

/** Deletes a group alias; its group stays, without members (they came from the alias). */
export async function deleteGroupAlias(tx: Tx, id: string, now: number): Promise<GroupAliasRecord | undefined> {
  const found = await findGroupAlias(tx, id);
  await tx.delete(identityKeys.groupAlias(id));
  if (!found) return undefined;
  await tx.delete(identityKeys.groupAliasKey(found.alias.mountAccessor, found.alias.name));
  await putGroup(tx, found.group, undefined, [], now);
  return found.alias;
}

export interface MembershipPlan {
  readonly entityId: string;
  readonly mountAccessor: string;
  /** The group names the login reported. */
  readonly names: ReadonlySet<string>;
  /** Groups to look at: those the entity should join and those it should leave. */
  readonly groupIds: readonly string[];
}

/**
 * Applies a login's external group memberships for the groups of `plan` (computed from a
 * cached view), re-checking each against the transaction's own reads: the entity belongs
 * to an external group aliased on this mount exactly when the login reported the alias's
 * name. Groups of other mounts and internal groups are never touched.
 */
export async function applyLoginMemberships(tx: Tx, plan: MembershipPlan, now: number): Promise<void> {
  const entityExists = (await tx.get(identityKeys.entity(plan.entityId))) !== undefined;
  for (const id of plan.groupIds) {
    const group = await getGroup(tx, id);
    if (group?.type !== 'external' || group.alias?.mountAccessor !== plan.mountAccessor) continue;
    const member = group.memberEntityIds.includes(plan.entityId);
    const wanted = entityExists && plan.names.has(group.alias.name);
    if (member === wanted) continue;
    const members = wanted ? [...group.memberEntityIds, plan.entityId] : group.memberEntityIds.filter((e) => e !== plan.entityId);
    await putGroup(tx, group, group.alias, members, now);
  }
}
