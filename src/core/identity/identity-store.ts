// src/core/identity — IdentityStore: entities, aliases, groups and temporary access grants
// over the root Storage (keys under sys/identity/, see identity-records.ts), plus the two
// calls the request pipeline makes:
//   resolveLogin — the entity behind an auth method's account, created on first login, and
//                  its external group memberships on that mount refreshed from the groups
//                  the login reported;
//   effective    — the policies an entity gets from itself, its groups and active grants
//                  (an entity merged into another resolves to that one).
// Caching: `effective` runs on every request, so entities are cached per id and the group
// graph and grant list are cached whole; every write through this store drops the caches
// after it commits. Another node's writes are not seen until `invalidate()` is called: a
// multi-node deployment must call it on a LISTEN/NOTIFY "identity changed" message.
import type { Clock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import type { Storage, Transaction } from '../../storage/storage.js';
import { StorageView } from '../../storage/storage-view.js';
import type { StorageViewTransaction } from '../../storage/storage-view.js';
import type { TemplateIdentity } from '../../policy/render-policy-template.js';
import { isGrantActive, newGrant } from './access-grant.js';
import type { GrantInput } from './access-grant.js';
import { createLoginAlias, deleteAlias, deleteEntity, getEntity, putAlias, refreshLoginAlias, upsertEntity } from './entity-writes.js';
import type { AliasInput, EntityInput, MountLookup } from './entity-writes.js';
import { mergeEntities, mergeInput } from './entity-merge.js';
import type { EntitiesMerged, MergeInput } from './entity-merge.js';
import { applyLoginMemberships, deleteGroupAlias, findGroupAlias, putGroupAlias } from './group-alias-writes.js';
import type { GroupAliasInput } from './group-alias-writes.js';
import { GroupGraph } from './group-graph.js';
import type { EntityGroups } from './group-graph.js';
import { deleteGroup, upsertGroup } from './group-writes.js';
import type { GroupInput } from './group-writes.js';
import { identityInput, sameStringMap } from './identity-input.js';
import { IDENTITY_PREFIX, identityKeys } from './identity-records.js';
import type { AliasRecord, AliasRef, EntityRecord, GrantRecord, GrantTarget, GroupAliasRecord, GroupRecord, IdRef } from './identity-records.js';

export interface GrantEvent {
  readonly kind: 'granted' | 'used' | 'expired' | 'revoked';
  readonly grant: GrantRecord;
}

export interface IdentityStoreOptions {
  readonly storage: Storage;
  readonly clock: Clock;
  /** Audit hook for grants; awaited, so a failing audit fails the call that caused it. */
  readonly onGrantEvent?: (event: GrantEvent) => void | Promise<void>;
  /** Resolves an auth mount accessor; when given, aliases on unknown accessors are refused. */
  readonly lookupMount?: MountLookup;
  /**
   * Runs inside identity/entity/merge's transaction (`tx` is on `storage`) after the identity
   * records are rewritten, so state other subsystems keep per entity (MFA enrolments) moves
   * with the merge; a throw refuses the whole merge. Like any transaction body it may run
   * more than once, so it writes only through `tx`.
   */
  readonly onEntitiesMerged?: (tx: Transaction, merge: EntitiesMerged) => Promise<void>;
  /** Told after every write, so other nodes drop their identity caches. */
  readonly onChange?: () => void;
}

export interface LoginIdentity {
  readonly mountAccessor: string;
  readonly mountType: string;
  readonly aliasName: string;
  readonly aliasMetadata?: Readonly<Record<string, string>>;
  /** The account's group names on this mount; absent = the method reports no groups. */
  readonly groupAliases?: readonly string[];
}

export interface EffectiveIdentity {
  /** Everything identity adds to a token's own policies: identityPolicies + active grants. */
  readonly policies: string[];
  /** Entity + (transitive) group policies: Vault's `identity_policies`. */
  readonly identityPolicies: string[];
  /** The grants that contributed, all active at `now`. */
  readonly grants: readonly GrantRecord[];
  /** Shaped for renderPolicy; absent when the entity no longer exists. */
  readonly entity?: NonNullable<TemplateIdentity['entity']>;
  readonly groups: { id: string; name: string }[];
}

const MAX_CACHED_ENTITIES = 10_000;

export class IdentityStore {
  private readonly view: StorageView;
  private readonly clock: Clock;
  private readonly options: IdentityStoreOptions;
  private generation = 0;
  private readonly entities = new Map<string, EntityRecord | null>();
  /** Ids of deleted entities → the entity they were merged into (null: none). */
  private readonly mergedInto = new Map<string, string | null>();
  private graph: Promise<GroupGraph> | undefined;
  private grants: Promise<GrantRecord[]> | undefined;
  /** Per node: a grant is reported 'used' and 'expired' once each. */
  private readonly reportedUsed = new Set<string>();
  private readonly reportedExpired = new Set<string>();

  constructor(options: IdentityStoreOptions) {
    this.options = options;
    this.view = new StorageView(options.storage, IDENTITY_PREFIX);
    this.clock = options.clock;
  }

  /** Drops every cache (call when another node reports an identity write). */
  invalidate(): void {
    this.generation += 1;
    this.entities.clear();
    this.mergedInto.clear();
    this.graph = undefined;
    this.grants = undefined;
  }

  /** `root` is the same transaction on the whole `storage`, for hooks of other subsystems. */
  private async write<T>(fn: (tx: StorageViewTransaction, now: number, root: Transaction) => Promise<T>): Promise<T> {
    const now = this.clock.now();
    try {
      return await this.options.storage.transaction((root) => fn(this.view.within(root), now, root));
    } finally {
      this.invalidate();
      this.options.onChange?.();
    }
  }

  // ---- request path -------------------------------------------------------------------

  /** The entity behind an account on an auth mount; creates entity + alias on first login. */
  async resolveLogin(login: LoginIdentity): Promise<{ entityId: string }> {
    const aliasName = identityInput.name(login.aliasName, 'alias');
    const metadata = identityInput.metadata(login.aliasMetadata ?? {});
    const groupNames = login.groupAliases === undefined ? undefined : identityInput.groupNames(login.groupAliases);
    const entityId = await this.loginEntity(login, aliasName, metadata);
    if (groupNames !== undefined) await this.refreshExternalGroups(entityId, login.mountAccessor, groupNames);
    return { entityId };
  }

  private async loginEntity(login: LoginIdentity, aliasName: string, metadata: Record<string, string>): Promise<string> {
    const ref = await this.view.getJson<AliasRef>(identityKeys.aliasKey(login.mountAccessor, aliasName));
    if (ref) {
      const entity = await this.entity(ref.entityId);
      const alias = entity?.aliases.find((a) => a.id === ref.aliasId);
      if (login.aliasMetadata !== undefined && alias && !sameStringMap(alias.metadata, metadata)) {
        await this.write((tx, now) => refreshLoginAlias(tx, ref, metadata, now));
      }
      return ref.entityId;
    }
    const mountPath = this.options.lookupMount?.(login.mountAccessor)?.path ?? '';
    return this.write((tx, now) =>
      createLoginAlias(tx, { mountAccessor: login.mountAccessor, mountType: login.mountType, mountPath, aliasName, aliasMetadata: metadata }, now),
    );
  }

  /**
   * Vault's refreshExternalGroupMembershipsByEntityID: the entity joins the external groups
   * aliased on this mount under a reported name and leaves this mount's others. Planned on
   * the cached graph and written only when something changes (most logins change nothing);
   * the write re-checks every planned group inside its transaction.
   */
  private async refreshExternalGroups(entityId: string, mountAccessor: string, names: ReadonlySet<string>): Promise<void> {
    const groupIds = (await this.loadGraph()).loginChanges(entityId, mountAccessor, names);
    if (groupIds.length === 0) return;
    await this.write((tx, now) => applyLoginMemberships(tx, { entityId, mountAccessor, names, groupIds }, now));
  }

  /**
   * The identity-derived policies of a token's entity at `now`. A disabled entity is
   * refused; a merged one answers as the entity it was merged into; an entity that no
   * longer exists contributes nothing.
   */
  async effective(tokenEntityId: string, now: number = this.clock.now()): Promise<EffectiveIdentity> {
    const entity = tokenEntityId === '' ? undefined : await this.liveEntity(tokenEntityId);
    if (!entity) return { policies: [], identityPolicies: [], grants: [], groups: [] };
    if (entity.disabled) throw new ArcaError('permission_denied', 'permission denied');
    const entityId = entity.id;
    const graph = await this.loadGraph();
    const { direct, inherited } = graph.groupsOf(entityId);
    const groups: GroupRecord[] = [];
    for (const id of [...direct, ...inherited]) {
      const g = graph.byId.get(id);
      if (g) groups.push(g);
    }
    const identityPolicies = new Set(entity.policies);
    for (const g of groups) for (const p of g.policies) identityPolicies.add(p);
    const groupIds = new Set(groups.map((g) => g.id));
    const relevant = (await this.loadGrants()).filter(
      (g) => (g.target === 'entity' && g.targetId === entityId) || (g.target === 'group' && groupIds.has(g.targetId)),
    );
    const active = relevant.filter((g) => isGrantActive(g, now));
    await this.reportGrantUse(relevant, now);
    const policies = new Set(identityPolicies);
    for (const g of active) for (const p of g.policies) policies.add(p);
    return {
      policies: [...policies].sort(),
      identityPolicies: [...identityPolicies].sort(),
      grants: active,
      entity: templateEntity(entity),
      groups: groups.map((g) => ({ id: g.id, name: g.name })),
    };
  }

  private async reportGrantUse(grants: readonly GrantRecord[], now: number): Promise<void> {
    for (const grant of grants) {
      const active = isGrantActive(grant, now);
      const seen = active ? this.reportedUsed : this.reportedExpired;
      if (seen.has(grant.id)) continue;
      seen.add(grant.id);
      await this.options.onGrantEvent?.({ kind: active ? 'used' : 'expired', grant });
    }
  }

  private async entity(id: string): Promise<EntityRecord | undefined> {
    const cached = this.entities.get(id);
    if (cached !== undefined) return cached ?? undefined;
    const generation = this.generation;
    const record = await getEntity(this.view, id);
    if (generation === this.generation) {
      if (this.entities.size >= MAX_CACHED_ENTITIES) this.entities.clear();
      this.entities.set(id, record ?? null);
    }
    return record;
  }

  /** The entity `id`, or the one it was merged into (Vault's merged-entity lookup for tokens). */
  private async liveEntity(id: string): Promise<EntityRecord | undefined> {
    const entity = await this.entity(id);
    if (entity) return entity;
    let target = this.mergedInto.get(id);
    if (target === undefined) {
      const generation = this.generation;
      target = (await this.view.getJson<IdRef>(identityKeys.merged(id)))?.id ?? null;
      if (generation === this.generation) {
        if (this.mergedInto.size >= MAX_CACHED_ENTITIES) this.mergedInto.clear();
        this.mergedInto.set(id, target);
      }
    }
    return target === null ? undefined : this.entity(target);
  }

  private loadGraph(): Promise<GroupGraph> {
    const loading = (this.graph ??= this.loadAll<GroupRecord>(identityKeys.groupPrefix).then((gs) => new GroupGraph(gs)));
    loading.catch(() => {
      if (this.graph === loading) this.graph = undefined;
    });
    return loading;
  }

  private loadGrants(): Promise<GrantRecord[]> {
    const loading = (this.grants ??= this.loadAll<GrantRecord>(identityKeys.grantPrefix));
    loading.catch(() => {
      if (this.grants === loading) this.grants = undefined;
    });
    return loading;
  }

  private async loadAll<T>(prefix: string): Promise<T[]> {
    const out: T[] = [];
    for (const key of await this.view.scan(prefix)) {
      const value = await this.view.getJson<T>(key);
      if (value !== undefined) out.push(value);
    }
    return out;
  }

  // ---- entities and aliases -----------------------------------------------------------

  readEntity(id: string): Promise<EntityRecord | undefined> {
    return this.entity(id);
  }

  async entityByName(name: string): Promise<EntityRecord | undefined> {
    const ref = await this.view.getJson<IdRef>(identityKeys.entityName(name));
    return ref ? this.entity(ref.id) : undefined;
  }

  listEntities(): Promise<EntityRecord[]> {
    return this.loadAll<EntityRecord>(identityKeys.entityPrefix);
  }

  async entityGroups(id: string): Promise<EntityGroups> {
    return (await this.loadGraph()).groupsOf(id);
  }

  async writeEntity(input: EntityInput): Promise<{ entity: EntityRecord; created: boolean }> {
    const clean: EntityInput = {
      ...input,
      ...(input.name === undefined ? {} : { name: identityInput.name(input.name, 'entity') }),
      ...(input.policies === undefined ? {} : { policies: identityInput.policies(input.policies) }),
      ...(input.metadata === undefined ? {} : { metadata: identityInput.metadata(input.metadata) }),
    };
    return this.write((tx, now) => upsertEntity(tx, clean, now));
  }

  removeEntity(id: string): Promise<EntityRecord | undefined> {
    return this.write((tx, now) => deleteEntity(tx, id, now));
  }

  /** identity/entity/merge; answers the to-entity after the merge. */
  async mergeEntities(input: MergeInput): Promise<EntityRecord> {
    const clean = mergeInput(input);
    return this.write(async (tx, now, root) => {
      const merged = await mergeEntities(tx, clean, now);
      await this.options.onEntitiesMerged?.(root, { toEntityId: merged.id, fromEntityIds: clean.fromEntityIds, force: clean.force ?? false });
      return merged;
    });
  }

  async readAlias(id: string): Promise<AliasRecord | undefined> {
    const ref = await this.view.getJson<{ entityId: string }>(identityKeys.alias(id));
    if (!ref) return undefined;
    return (await this.entity(ref.entityId))?.aliases.find((a) => a.id === id);
  }

  async listAliases(): Promise<AliasRecord[]> {
    return (await this.listEntities()).flatMap((e) => e.aliases);
  }

  async writeAlias(input: AliasInput): Promise<AliasRecord> {
    const clean: AliasInput = {
      ...input,
      ...(input.name === undefined ? {} : { name: identityInput.name(input.name, 'alias') }),
      ...(input.customMetadata === undefined ? {} : { customMetadata: identityInput.metadata(input.customMetadata) }),
    };
    return this.write((tx, now) => putAlias(tx, clean, now, this.options.lookupMount));
  }

  removeAlias(id: string): Promise<AliasRecord | undefined> {
    return this.write((tx, now) => deleteAlias(tx, id, now));
  }

  // ---- groups -------------------------------------------------------------------------

  async readGroup(id: string): Promise<GroupRecord | undefined> {
    return (await this.loadGraph()).byId.get(id);
  }

  async groupByName(name: string): Promise<GroupRecord | undefined> {
    const ref = await this.view.getJson<IdRef>(identityKeys.groupName(name));
    return ref ? this.readGroup(ref.id) : undefined;
  }

  async listGroups(): Promise<GroupRecord[]> {
    return [...(await this.loadGraph()).byId.values()];
  }

  /** Groups that list `id` as a member group (Vault's parent_group_ids). */
  async parentGroups(id: string): Promise<readonly string[]> {
    return (await this.loadGraph()).parentsOf(id);
  }

  async writeGroup(input: GroupInput): Promise<{ group: GroupRecord; created: boolean }> {
    const clean: GroupInput = {
      ...input,
      ...(input.name === undefined ? {} : { name: identityInput.name(input.name, 'group') }),
      ...(input.policies === undefined ? {} : { policies: identityInput.policies(input.policies) }),
      ...(input.metadata === undefined ? {} : { metadata: identityInput.metadata(input.metadata) }),
      ...(input.memberEntityIds === undefined ? {} : { memberEntityIds: identityInput.ids(input.memberEntityIds, 'member entity IDs') }),
      ...(input.memberGroupIds === undefined ? {} : { memberGroupIds: identityInput.ids(input.memberGroupIds, 'member group IDs') }),
    };
    return this.write((tx, now) => upsertGroup(tx, clean, now));
  }

  removeGroup(id: string): Promise<GroupRecord | undefined> {
    return this.write((tx, now) => deleteGroup(tx, id, now));
  }

  // ---- group aliases ------------------------------------------------------------------

  async readGroupAlias(id: string): Promise<GroupAliasRecord | undefined> {
    return (await findGroupAlias(this.view, id))?.alias;
  }

  async listGroupAliases(): Promise<GroupAliasRecord[]> {
    return (await this.listGroups()).flatMap((g) => (g.alias ? [g.alias] : []));
  }

  async writeGroupAlias(input: GroupAliasInput): Promise<{ alias: GroupAliasRecord; created: boolean }> {
    const clean: GroupAliasInput = {
      ...input,
      ...(input.name === undefined ? {} : { name: identityInput.name(input.name, 'group alias') }),
      ...(input.mountAccessor === undefined ? {} : { mountAccessor: identityInput.name(input.mountAccessor, 'mount accessor') }),
    };
    return this.write((tx, now) => putGroupAlias(tx, clean, now, this.options.lookupMount));
  }

  removeGroupAlias(id: string): Promise<GroupAliasRecord | undefined> {
    return this.write((tx, now) => deleteGroupAlias(tx, id, now));
  }

  // ---- temporary access grants --------------------------------------------------------

  async grant(input: GrantInput): Promise<GrantRecord> {
    const policies = identityInput.policies(input.policies);
    const record = await this.write(async (tx, now) => {
      const key = input.target === 'entity' ? identityKeys.entity(input.id) : identityKeys.group(input.id);
      if (!(await tx.get(key))) throw new ArcaError('invalid_request', `${input.target} not found from id`);
      const grant = newGrant(input, policies, now);
      await tx.putJson(identityKeys.grant(grant.id), grant);
      return grant;
    });
    await this.options.onGrantEvent?.({ kind: 'granted', grant: record });
    return record;
  }

  async readGrant(id: string): Promise<GrantRecord | undefined> {
    return (await this.loadGrants()).find((g) => g.id === id);
  }

  listGrants(): Promise<GrantRecord[]> {
    return this.loadGrants();
  }

  async grantsFor(target: GrantTarget, id: string): Promise<GrantRecord[]> {
    return (await this.loadGrants()).filter((g) => g.target === target && g.targetId === id);
  }

  async revokeGrant(id: string): Promise<GrantRecord | undefined> {
    const grant = await this.write(async (tx) => {
      const found = await tx.getJson<GrantRecord>(identityKeys.grant(id));
      if (found) await tx.delete(identityKeys.grant(id));
      return found;
    });
    if (grant) await this.options.onGrantEvent?.({ kind: 'revoked', grant });
    return grant;
  }
}

function templateEntity(entity: EntityRecord): NonNullable<TemplateIdentity['entity']> {
  const aliases: Record<string, { name: string; id: string; metadata: Readonly<Record<string, string>> }> = {};
  for (const a of entity.aliases) aliases[a.mountAccessor] = { name: a.name, id: a.id, metadata: a.metadata };
  return { id: entity.id, name: entity.name, metadata: entity.metadata, aliases };
}
