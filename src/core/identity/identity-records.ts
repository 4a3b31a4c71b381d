// src/core/identity — the stored shapes of identity (entities with their aliases, groups,
// temporary access grants) and the key layout under sys/identity/ (above the barrier).
// Layout, each key one JSON value:
//   entity/<id>                         EntityRecord (its aliases live inside it, as in Vault)
//   entity-name/<b64(name)>             { id }            unique entity names
//   alias/<aliasId>                     { entityId }      alias id → owning entity
//   alias-key/<b64(accessor)>/<b64(name)> { aliasId, entityId }  login lookup: one get
//   group/<id>                          GroupRecord (an external group's alias lives inside it)
//   group-name/<b64(name)>              { id }            unique group names
//   group-alias/<aliasId>               { groupId }       group alias id → owning group
//   group-alias-key/<b64(accessor)>/<b64(name)> { aliasId, groupId }  unique (mount, name)
//   merged/<fromEntityId>               { id }            a merged entity id → the entity it became
//   grant/<id>                          GrantRecord
// User-chosen names are base64url-encoded in keys so no name can form a '..' segment or a
// '/' boundary. Times are epoch milliseconds.

/** What every alias is: a name on one auth mount, bound to an entity or a group (its canonical id). */
export interface AliasBinding {
  readonly id: string;
  readonly canonicalId: string;
  readonly mountAccessor: string;
  readonly mountType: string;
  readonly mountPath: string;
  readonly name: string;
  readonly created: number;
  readonly updated: number;
}

export interface AliasRecord extends AliasBinding {
  /** Set by the auth method at login. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Set by operators through identity/entity-alias. */
  readonly customMetadata: Readonly<Record<string, string>>;
  /** Entities this alias belonged to before merges (Vault's merged_from_canonical_ids). */
  readonly mergedFromCanonicalIds?: readonly string[];
}

export interface EntityRecord {
  readonly id: string;
  readonly name: string;
  readonly policies: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly disabled: boolean;
  readonly aliases: readonly AliasRecord[];
  readonly created: number;
  readonly updated: number;
  /** Entities merged into this one; tokens of theirs resolve to it (Vault's merged_entity_ids). */
  readonly mergedEntityIds?: readonly string[];
}

export type GroupType = 'internal' | 'external';

/**
 * Binds an external group to a group name on one auth mount (an OIDC group, an LDAP
 * group): a login through that mount reporting the name makes the entity a member.
 */
export type GroupAliasRecord = AliasBinding;

export interface GroupRecord {
  readonly id: string;
  readonly name: string;
  readonly type: GroupType;
  readonly policies: readonly string[];
  /** Internal groups: set by operators. External groups: maintained by logins only. */
  readonly memberEntityIds: readonly string[];
  readonly memberGroupIds: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly created: number;
  readonly updated: number;
  /** Bumped on every write (Vault's modify_index). */
  readonly modifyIndex: number;
  /** External groups only: at most one alias. */
  readonly alias?: GroupAliasRecord;
}

export type GrantTarget = 'entity' | 'group';

export interface GrantRecord {
  readonly id: string;
  readonly target: GrantTarget;
  readonly targetId: string;
  readonly policies: readonly string[];
  readonly created: number;
  /** The grant contributes policies only while now < until. */
  readonly until: number;
  readonly reason: string;
  readonly grantedBy: string;
}

export interface IdRef {
  readonly id: string;
}

export interface AliasRef {
  readonly aliasId: string;
  readonly entityId: string;
}

export interface GroupAliasRef {
  readonly aliasId: string;
  readonly groupId: string;
}

/** The root-storage prefix every identity key lives under. */
export const IDENTITY_PREFIX = 'sys/identity/';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/** Keys relative to IDENTITY_PREFIX. */
export const identityKeys = {
  entity: (id: string): string => `entity/${b64(id)}`,
  entityPrefix: 'entity/',
  entityName: (name: string): string => `entity-name/${b64(name)}`,
  alias: (id: string): string => `alias/${b64(id)}`,
  aliasKey: (accessor: string, name: string): string => `alias-key/${b64(accessor)}/${b64(name)}`,
  group: (id: string): string => `group/${b64(id)}`,
  groupPrefix: 'group/',
  groupName: (name: string): string => `group-name/${b64(name)}`,
  groupAlias: (id: string): string => `group-alias/${b64(id)}`,
  groupAliasPrefix: 'group-alias/',
  groupAliasKey: (accessor: string, name: string): string => `group-alias-key/${b64(accessor)}/${b64(name)}`,
  merged: (id: string): string => `merged/${b64(id)}`,
  grant: (id: string): string => `grant/${b64(id)}`,
  grantPrefix: 'grant/',
};

/** Vault-style RFC3339 with nanosecond-free precision. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
