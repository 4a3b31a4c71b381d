// src/core/identity — identity/entity/merge (Vault's mergeEntity), in one storage
// transaction: the aliases of the from-entities move to the to-entity, their memberships in
// every group (internal and external) and Arca's temporary grants go with them, and the
// from-entities are deleted. As in Vault's API the from-entities' own policies and metadata
// are not carried over, and the to-entity lists them in `merged_entity_ids`.
// An entity has at most one alias per mount, so a from-entity alias on a mount where the
// to-entity already has one is a conflict: refused unless `conflicting_alias_ids_to_keep`
// names the alias to keep (the other is deleted), which Vault allows with one from-entity
// only. Two from-entities with aliases on the same mount are refused (merge them one at a time).
// A token of a merged entity keeps working as the to-entity: `merged/<id>` points there
// (re-pointed when the to-entity is merged again, dropped when it is deleted).
// State other subsystems keep per entity (TOTP enrolments) is moved by their hook, run by
// IdentityStore in the same transaction after this; `force` is for that hook.
import { ArcaError } from '../../lib/errors.js';
import type { StorageViewTransaction } from '../../storage/storage-view.js';
import { getEntity } from './entity-writes.js';
import { identityInput } from './identity-input.js';
import { identityKeys } from './identity-records.js';
import type { AliasRecord, AliasRef, EntityRecord, GrantRecord, GroupRecord } from './identity-records.js';

type Tx = StorageViewTransaction;

export interface MergeInput {
  readonly toEntityId: string;
  readonly fromEntityIds: readonly string[];
  readonly conflictingAliasIdsToKeep: readonly string[];
  /** Vault's `force`: passed to `onEntitiesMerged` (MFA enrolment conflicts); default false. */
  readonly force?: boolean;
}

/** What other subsystems are told, inside the merge's transaction, about a merge. */
export interface EntitiesMerged {
  readonly toEntityId: string;
  readonly fromEntityIds: readonly string[];
  readonly force: boolean;
}

function bad(message: string): ArcaError {
  return new ArcaError('invalid_request', message);
}

/** Trims, bounds and de-duplicates the ids of a merge request. */
export function mergeInput(input: MergeInput): MergeInput {
  const clean: MergeInput = {
    toEntityId: input.toEntityId.trim(),
    fromEntityIds: identityInput.ids(input.fromEntityIds, 'from entity IDs'),
    conflictingAliasIdsToKeep: identityInput.ids(input.conflictingAliasIdsToKeep, 'alias IDs to keep'),
    force: input.force ?? false,
  };
  if (clean.toEntityId === '') throw bad('missing entity id to merge to');
  if (clean.fromEntityIds.length === 0) throw bad('missing entity ids to merge from');
  return clean;
}

interface Resolution {
  /** Alias ids deleted to resolve conflicts. */
  readonly dropped: Set<string>;
}

async function loadFrom(tx: Tx, input: MergeInput): Promise<EntityRecord[]> {
  const out: EntityRecord[] = [];
  for (const id of input.fromEntityIds) {
    if (id === input.toEntityId) throw bad('to_entity_id should not be present in from_entity_ids');
    const entity = await getEntity(tx, id);
    if (!entity) throw bad(`entity id to merge from is invalid: ${JSON.stringify(id)}`);
    out.push(entity);
  }
  return out;
}

/** Checks the alias conflicts and decides which aliases the merge deletes. */
function resolveConflicts(to: EntityRecord, from: readonly EntityRecord[], keep: ReadonlySet<string>): Resolution {
  if (keep.size > 0 && from.length > 1) throw bad('aliases conflicts cannot be resolved with multiple from entity ids - merge one entity at a time');
  const fromAccessors = new Map<string, string>();
  for (const entity of from) {
    for (const alias of entity.aliases) {
      const other = fromAccessors.get(alias.mountAccessor);
      if (other !== undefined && other !== entity.id) {
        throw bad(`mount accessor ${JSON.stringify(alias.mountAccessor)} found in multiple from entities, merge should be done with one from entity at a time`);
      }
      fromAccessors.set(alias.mountAccessor, entity.id);
    }
  }
  const dropped = new Set<string>();
  const clashes: string[] = [];
  for (const entity of from) {
    for (const alias of entity.aliases) {
      for (const mine of to.aliases.filter((a) => a.mountAccessor === alias.mountAccessor)) {
        const keepFrom = keep.has(alias.id);
        const keepTo = keep.has(mine.id);
        if (keepFrom && keepTo) throw bad(`conflicting alias IDs ${alias.id} and ${mine.id} are both in conflicting_alias_ids_to_keep; keep one`);
        if (keepFrom) dropped.add(mine.id);
        else if (keepTo) dropped.add(alias.id);
        else clashes.push(`mountAccessor: ${alias.mountAccessor}, toEntity ID: ${to.id}, fromEntity ID: ${entity.id}, conflicting toEntity alias ID: ${mine.id}, conflicting fromEntity alias ID: ${alias.id}`);
      }
    }
  }
  if (clashes.length > 0) {
    throw bad(
      'toEntity and at least one fromEntity have aliases with the same mount accessor; repeat the merge with exactly one fromEntity ' +
        `and the alias to keep in conflicting_alias_ids_to_keep, clashes: ${clashes.join('; ')}`,
    );
  }
  return { dropped };
}

async function moveMemberships(tx: Tx, fromIds: ReadonlySet<string>, toId: string, now: number): Promise<void> {
  for (const key of await tx.scan(identityKeys.groupPrefix)) {
    const group = await tx.getJson<GroupRecord>(key);
    if (!group?.memberEntityIds.some((e) => fromIds.has(e))) continue;
    const members = [...new Set(group.memberEntityIds.map((e) => (fromIds.has(e) ? toId : e)))];
    await tx.putJson(key, { ...group, memberEntityIds: members, updated: now, modifyIndex: group.modifyIndex + 1 } satisfies GroupRecord);
  }
  for (const key of await tx.scan(identityKeys.grantPrefix)) {
    const grant = await tx.getJson<GrantRecord>(key);
    if (grant?.target === 'entity' && fromIds.has(grant.targetId)) await tx.putJson(key, { ...grant, targetId: toId } satisfies GrantRecord);
  }
}

/** Merges the from-entities into the to-entity; answers the to-entity as stored. */
export async function mergeEntities(tx: Tx, input: MergeInput, now: number): Promise<EntityRecord> {
  const to = await getEntity(tx, input.toEntityId);
  if (!to) throw bad('entity id to merge to is invalid');
  const from = await loadFrom(tx, input);
  const { dropped } = resolveConflicts(to, from, new Set(input.conflictingAliasIdsToKeep));
  const aliases: AliasRecord[] = to.aliases.filter((a) => !dropped.has(a.id));
  const merged = new Set(to.mergedEntityIds ?? []);
  for (const alias of [...to.aliases, ...from.flatMap((e) => e.aliases)]) {
    if (!dropped.has(alias.id)) continue;
    await tx.delete(identityKeys.alias(alias.id));
    await tx.delete(identityKeys.aliasKey(alias.mountAccessor, alias.name));
  }
  for (const entity of from) {
    for (const alias of entity.aliases) {
      if (dropped.has(alias.id)) continue;
      const moved: AliasRecord = {
        ...alias, canonicalId: to.id, updated: now,
        mergedFromCanonicalIds: [...(alias.mergedFromCanonicalIds ?? []), entity.id],
      };
      aliases.push(moved);
      await tx.putJson(identityKeys.alias(alias.id), { entityId: to.id });
      await tx.putJson(identityKeys.aliasKey(alias.mountAccessor, alias.name), { aliasId: alias.id, entityId: to.id } satisfies AliasRef);
    }
    for (const id of [...(entity.mergedEntityIds ?? []), entity.id]) {
      merged.add(id);
      await tx.putJson(identityKeys.merged(id), { id: to.id });
    }
    await tx.delete(identityKeys.entityName(entity.name));
    await tx.delete(identityKeys.entity(entity.id));
  }
  await moveMemberships(tx, new Set(from.map((e) => e.id)), to.id, now);
  const next: EntityRecord = { ...to, aliases, mergedEntityIds: [...merged], updated: now };
  await tx.putJson(identityKeys.entity(to.id), next);
  return next;
}
