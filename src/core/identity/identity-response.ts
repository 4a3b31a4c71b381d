// src/core/identity — the JSON shapes Vault's identity endpoints answer with (snake_case,
// RFC3339 times, namespace "root"), built from stored records. Arca adds
// `temporary_grants` to entity and group reads.
import { isGrantActive } from './access-grant.js';
import type { EntityGroups } from './group-graph.js';
import { rfc3339 } from './identity-records.js';
import type { AliasBinding, AliasRecord, EntityRecord, GrantRecord, GroupAliasRecord, GroupRecord } from './identity-records.js';

/** The fields Vault shows for entity and group aliases alike. */
function bindingData(alias: AliasBinding): Record<string, unknown> {
  return {
    id: alias.id,
    canonical_id: alias.canonicalId,
    mount_accessor: alias.mountAccessor,
    mount_type: alias.mountType,
    mount_path: alias.mountPath,
    name: alias.name,
    creation_time: rfc3339(alias.created),
    last_update_time: rfc3339(alias.updated),
    namespace_id: 'root',
  };
}

export function aliasData(alias: AliasRecord): Record<string, unknown> {
  return {
    ...bindingData(alias),
    metadata: alias.metadata,
    custom_metadata: alias.customMetadata,
    local: false,
    merged_from_canonical_ids: alias.mergedFromCanonicalIds ?? null,
  };
}

export function groupAliasData(alias: GroupAliasRecord): Record<string, unknown> {
  return { ...bindingData(alias), metadata: {}, merged_from_canonical_ids: null };
}

export function grantData(grant: GrantRecord, now: number): Record<string, unknown> {
  return {
    id: grant.id,
    ...(grant.target === 'entity' ? { entity_id: grant.targetId } : { group_id: grant.targetId }),
    policies: grant.policies,
    creation_time: rfc3339(grant.created),
    until: rfc3339(grant.until),
    ttl: Math.max(0, Math.ceil((grant.until - now) / 1000)),
    active: isGrantActive(grant, now),
    reason: grant.reason,
    granted_by: grant.grantedBy,
  };
}

export function entityData(entity: EntityRecord, groups: EntityGroups, grants: readonly GrantRecord[], now: number): Record<string, unknown> {
  return {
    id: entity.id,
    name: entity.name,
    policies: entity.policies,
    metadata: entity.metadata,
    disabled: entity.disabled,
    aliases: entity.aliases.map(aliasData),
    direct_group_ids: groups.direct,
    inherited_group_ids: groups.inherited,
    group_ids: [...groups.direct, ...groups.inherited],
    creation_time: rfc3339(entity.created),
    last_update_time: rfc3339(entity.updated),
    merged_entity_ids: entity.mergedEntityIds && entity.mergedEntityIds.length > 0 ? entity.mergedEntityIds : null,
    namespace_id: 'root',
    temporary_grants: grants.map((g) => grantData(g, now)),
  };
}

export function groupData(group: GroupRecord, parents: readonly string[], grants: readonly GrantRecord[], now: number): Record<string, unknown> {
  return {
    id: group.id,
    name: group.name,
    type: group.type,
    policies: group.policies,
    member_entity_ids: group.memberEntityIds,
    member_group_ids: group.memberGroupIds,
    parent_group_ids: parents,
    metadata: group.metadata,
    creation_time: rfc3339(group.created),
    last_update_time: rfc3339(group.updated),
    modify_index: group.modifyIndex,
    alias: group.alias ? groupAliasData(group.alias) : {},
    namespace_id: 'root',
    temporary_grants: grants.map((g) => grantData(g, now)),
  };
}
