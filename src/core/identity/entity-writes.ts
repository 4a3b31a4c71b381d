// src/core/identity — entity and alias writes, each run inside one storage transaction so
// the records and their indexes (unique names, alias login keys) never disagree. Callers
// pass an already validated input (identity-input.ts) and invalidate their caches after the
// transaction commits. An entity keeps its aliases inside its own record, as Vault does.
import { randomUUID } from 'node:crypto';
import { ArcaError } from '../../lib/errors.js';
import type { StorageViewTransaction } from '../../storage/storage-view.js';
import { identityKeys } from './identity-records.js';
import type { AliasRecord, AliasRef, EntityRecord, GrantRecord, GroupRecord, IdRef } from './identity-records.js';

type Tx = StorageViewTransaction;

export interface EntityInput {
  readonly id?: string;
  readonly name?: string;
  readonly policies?: readonly string[];
  readonly metadata?: Readonly<Record<string, string>>;
  readonly disabled?: boolean;
}

export interface AliasInput {
  readonly id?: string;
  readonly name?: string;
  readonly canonicalId?: string;
  readonly mountAccessor?: string;
  readonly customMetadata?: Readonly<Record<string, string>>;
}

/** What the store knows about an auth mount, by accessor (absent when it cannot tell). */
export type MountLookup = (accessor: string) => { readonly type: string; readonly path: string } | undefined;

function bad(message: string): ArcaError {
  return new ArcaError('invalid_request', message);
}

export function getEntity(tx: Tx, id: string): Promise<EntityRecord | undefined> {
  return tx.getJson<EntityRecord>(identityKeys.entity(id));
}

async function claimEntityName(tx: Tx, name: string, id: string): Promise<void> {
  const owner = await tx.getJson<IdRef>(identityKeys.entityName(name));
  if (owner && owner.id !== id) throw bad(`entity name ${JSON.stringify(name)} is already in use`);
  await tx.putJson(identityKeys.entityName(name), { id });
}

/** Creates, or updates the entity named by `id` or else by `name`; unset fields are kept. */
export async function upsertEntity(tx: Tx, input: EntityInput, now: number): Promise<{ entity: EntityRecord; created: boolean }> {
  let existing: EntityRecord | undefined;
  if (input.id !== undefined) {
    existing = await getEntity(tx, input.id);
    if (!existing) throw bad('entity not found from id');
  } else if (input.name !== undefined) {
    const ref = await tx.getJson<IdRef>(identityKeys.entityName(input.name));
    existing = ref ? await getEntity(tx, ref.id) : undefined;
  }
  const id = existing?.id ?? randomUUID();
  const name = input.name ?? existing?.name ?? `entity_${id.slice(0, 8)}`;
  if (existing && existing.name !== name) await tx.delete(identityKeys.entityName(existing.name));
  if (!existing || existing.name !== name) await claimEntityName(tx, name, id);
  const entity: EntityRecord = {
    id,
    name,
    policies: input.policies ?? existing?.policies ?? [],
    metadata: input.metadata ?? existing?.metadata ?? {},
    disabled: input.disabled ?? existing?.disabled ?? false,
    aliases: existing?.aliases ?? [],
    created: existing?.created ?? now,
    updated: now,
  };
  await tx.putJson(identityKeys.entity(id), entity);
  return { entity, created: !existing };
}

/** Deletes an entity, its aliases, its group memberships, the grants made to it and the ids merged into it. */
export async function deleteEntity(tx: Tx, id: string, now: number): Promise<EntityRecord | undefined> {
  const entity = await getEntity(tx, id);
  if (!entity) return undefined;
  for (const alias of entity.aliases) {
    await tx.delete(identityKeys.alias(alias.id));
    await tx.delete(identityKeys.aliasKey(alias.mountAccessor, alias.name));
  }
  await tx.delete(identityKeys.entityName(entity.name));
  await tx.delete(identityKeys.entity(id));
  for (const merged of entity.mergedEntityIds ?? []) await tx.delete(identityKeys.merged(merged));
  for (const key of await tx.scan(identityKeys.groupPrefix)) {
    const group = await tx.getJson<GroupRecord>(key);
    if (!group?.memberEntityIds.includes(id)) continue;
    const next: GroupRecord = {
      ...group,
      memberEntityIds: group.memberEntityIds.filter((e) => e !== id),
      updated: now,
      modifyIndex: group.modifyIndex + 1,
    };
    await tx.putJson(key, next);
  }
  for (const key of await tx.scan(identityKeys.grantPrefix)) {
    const grant = await tx.getJson<GrantRecord>(key);
    if (grant?.target === 'entity' && grant.targetId === id) await tx.delete(key);
  }
  return entity;
}

function replaceAlias(entity: EntityRecord, alias: AliasRecord | undefined, removeId: string | undefined, now: number): EntityRecord {
  const aliases = entity.aliases.filter((a) => a.id !== removeId && a.id !== alias?.id);
  if (alias) aliases.push(alias);
  return { ...entity, aliases, updated: now };
}

async function checkAliasSlot(tx: Tx, entity: EntityRecord, accessor: string, name: string, aliasId: string): Promise<void> {
  const taken = await tx.getJson<AliasRef>(identityKeys.aliasKey(accessor, name));
  if (taken && taken.aliasId !== aliasId) throw bad('combination of mount and alias name is already in use');
  if (entity.aliases.some((a) => a.mountAccessor === accessor && a.id !== aliasId)) {
    throw bad('alias already exists for requested entity and mount accessor');
  }
}

/** Creates an alias (name, canonical id and mount accessor required) or updates one by id. */
export async function putAlias(tx: Tx, input: AliasInput, now: number, mounts: MountLookup | undefined): Promise<AliasRecord> {
  const ref = input.id === undefined ? undefined : await tx.getJson<{ entityId: string }>(identityKeys.alias(input.id));
  if (input.id !== undefined && !ref) throw bad('entity alias not found from id');
  const owner = ref ? await getEntity(tx, ref.entityId) : undefined;
  const old = owner?.aliases.find((a) => a.id === input.id);
  const name = input.name ?? old?.name;
  const accessor = input.mountAccessor ?? old?.mountAccessor;
  const canonicalId = input.canonicalId ?? old?.canonicalId;
  if (name === undefined) throw bad('missing alias name');
  if (accessor === undefined) throw bad('missing mount_accessor');
  const mount = mounts?.(accessor);
  if (mounts && !mount) throw bad(`invalid mount accessor ${JSON.stringify(accessor)}`);
  // Without a canonical id Vault creates a fresh entity for the alias.
  const target =
    canonicalId === undefined ? (await upsertEntity(tx, {}, now)).entity : canonicalId === owner?.id ? owner : await getEntity(tx, canonicalId);
  if (!target) throw bad('invalid canonical ID');
  const id = old?.id ?? randomUUID();
  await checkAliasSlot(tx, target, accessor, name, id);
  const alias: AliasRecord = {
    id, canonicalId: target.id, mountAccessor: accessor, mountType: mount?.type ?? old?.mountType ?? '', mountPath: mount?.path ?? old?.mountPath ?? '',
    name, metadata: old?.metadata ?? {}, customMetadata: input.customMetadata ?? old?.customMetadata ?? {},
    created: old?.created ?? now, updated: now,
  };
  if (old) await tx.delete(identityKeys.aliasKey(old.mountAccessor, old.name));
  if (owner && owner.id !== target.id) await tx.putJson(identityKeys.entity(owner.id), replaceAlias(owner, undefined, id, now));
  await tx.putJson(identityKeys.entity(target.id), replaceAlias(target, alias, undefined, now));
  await tx.putJson(identityKeys.alias(id), { entityId: target.id });
  await tx.putJson(identityKeys.aliasKey(accessor, name), { aliasId: id, entityId: target.id } satisfies AliasRef);
  return alias;
}

export async function deleteAlias(tx: Tx, id: string, now: number): Promise<AliasRecord | undefined> {
  const ref = await tx.getJson<{ entityId: string }>(identityKeys.alias(id));
  if (!ref) return undefined;
  const entity = await getEntity(tx, ref.entityId);
  const alias = entity?.aliases.find((a) => a.id === id);
  await tx.delete(identityKeys.alias(id));
  if (!entity || !alias) return undefined;
  await tx.delete(identityKeys.aliasKey(alias.mountAccessor, alias.name));
  await tx.putJson(identityKeys.entity(entity.id), replaceAlias(entity, undefined, id, now));
  return alias;
}

export interface LoginAlias {
  readonly mountAccessor: string;
  readonly mountType: string;
  readonly mountPath: string;
  readonly aliasName: string;
  readonly aliasMetadata: Readonly<Record<string, string>>;
}

/**
 * The first login through an alias: creates an entity named after its id and the alias on
 * it. Re-checks the login key inside the transaction, so of two concurrent first logins the
 * second finds the first one's alias.
 */
export async function createLoginAlias(tx: Tx, login: LoginAlias, now: number): Promise<string> {
  const key = identityKeys.aliasKey(login.mountAccessor, login.aliasName);
  const found = await tx.getJson<AliasRef>(key);
  if (found) return found.entityId;
  const { entity } = await upsertEntity(tx, {}, now);
  const alias: AliasRecord = {
    id: randomUUID(), canonicalId: entity.id, mountAccessor: login.mountAccessor, mountType: login.mountType,
    mountPath: login.mountPath, name: login.aliasName, metadata: login.aliasMetadata, customMetadata: {},
    created: now, updated: now,
  };
  await tx.putJson(identityKeys.entity(entity.id), replaceAlias(entity, alias, undefined, now));
  await tx.putJson(identityKeys.alias(alias.id), { entityId: entity.id });
  await tx.putJson(key, { aliasId: alias.id, entityId: entity.id } satisfies AliasRef);
  return entity.id;
}

/** Refreshes the auth method's metadata on an existing alias (Vault updates it at login). */
export async function refreshLoginAlias(tx: Tx, ref: AliasRef, metadata: Readonly<Record<string, string>>, now: number): Promise<void> {
  const entity = await getEntity(tx, ref.entityId);
  const alias = entity?.aliases.find((a) => a.id === ref.aliasId);
  if (!entity || !alias) return;
  await tx.putJson(identityKeys.entity(entity.id), replaceAlias(entity, { ...alias, metadata, updated: now }, undefined, now));
}
