// src/core/identity — IdentityStore: entities, aliases, groups and temporary access grants
// over the root Storage (keys under sys/identity/, see identity-records.ts), plus the two
// calls the request pipeline makes:
//   resolveLogin — the entity behind an auth method's account (resolve-login.ts);
//   effective    — the policies an entity gets from itself, its groups and active grants
//                  (effective-identity.ts).
// Reads go through IdentityCache; every write through this store runs in one storage
// transaction and drops the caches after it commits. Another node's writes are not seen
// until `invalidate()` is called: a multi-node deployment must call it on a LISTEN/NOTIFY
// "identity changed" message.
import type { Clock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import type { Storage, Transaction } from '../../storage/storage.js';
import { StorageView } from '../../storage/storage-view.js';
import type { StorageViewTransaction } from '../../storage/storage-view.js';
import { isGrantActive, newGrant } from './access-grant.js';
import type { GrantInput } from './access-grant.js';
import { effectiveIdentity } from './effective-identity.js';
import type { EffectiveIdentity } from './effective-identity.js';
import { deleteAlias, deleteEntity, putAlias, upsertEntity } from './entity-writes.js';
import type { AliasInput, EntityInput, MountLookup } from './entity-writes.js';
import { mergeEntities, mergeInput } from './entity-merge.js';
import type { EntitiesMerged, MergeInput } from './entity-merge.js';
import { deleteGroupAlias, findGroupAlias, putGroupAlias } from './group-alias-writes.js';
import type { GroupAliasInput } from './group-alias-writes.js';
import type { EntityGroups } from './group-graph.js';
import { deleteGroup, upsertGroup } from './group-writes.js';
import type { GroupInput } from './group-writes.js';
import { IdentityCache } from './identity-cache.js';
import { identityInput } from './identity-input.js';
import { IDENTITY_PREFIX, identityKeys } from './identity-records.js';
import type { AliasRecord, EntityRecord, GrantRecord, GrantTarget, GroupAliasRecord, GroupRecord, IdRef } from './identity-records.js';
import { resolveLogin } from './resolve-login.js';
import type { LoginIdentity } from './resolve-login.js';

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

export class IdentityStore {
  private readonly view: StorageView;
  private readonly clock: Clock;
  private readonly options: IdentityStoreOptions;
  private readonly cache: IdentityCache;
  /** Per node: a grant is reported 'used' and 'expired' once each. */
  private readonly reportedUsed = new Set<string>();
  private readonly reportedExpired = new Set<string>();

  constructor(options: IdentityStoreOptions) {
    this.options = options;
    this.view = new StorageView(options.storage, IDENTITY_PREFIX);
    this.clock = options.clock;
    this.cache = new IdentityCache(this.view);
  }

  /** Drops every cache (call when another node reports an identity write). */
  invalidate(): void {
    this.cache.invalidate();
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
  resolveLogin(login: LoginIdentity): Promise<{ entityId: string }> {
    return resolveLogin({ view: this.view, cache: this.cache, write: (fn) => this.write(fn), lookupMount: this.options.lookupMount }, login);
  }

  /**
   * The identity-derived policies of a token's entity at `now`. A disabled entity is
   * refused; a merged one answers as the entity it was merged into; an entity that no
   * longer exists contributes nothing (the request pipeline refuses its tokens before
   * asking, see tokenEntityActive; a lookup of such a token shows no identity policies).
   */
  effective(tokenEntityId: string, now: number = this.clock.now()): Promise<EffectiveIdentity> {
    return effectiveIdentity(this.cache, tokenEntityId, now, (grants) => this.reportGrantUse(grants, now));
  }

  /**
   * The entity a merged-away id now acts as: the merge target's id when `id` is no longer an
   * entity but was merged (through any number of merges), else undefined (a live entity, or
   * an id that never existed or was deleted). Token entries keep the entity id they were
   * issued with, so every entity-scoped action of a token resolves it through here first.
   */
  async mergedInto(id: string): Promise<string | undefined> {
    if (id === '' || (await this.cache.entity(id))) return undefined;
    return (await this.cache.liveEntity(id))?.id;
  }

  /**
   * Whether a token issued to `entityId` may act at all (Vault's CheckToken): its entity, or
   * the one it was merged into, exists and is not disabled. A token of a deleted entity is
   * refused like one of a disabled entity. Answered from IdentityCache (found and missing
   * ids alike): no storage read once an id was seen, until an identity write drops the cache.
   */
  async tokenEntityActive(entityId: string): Promise<boolean> {
    const entity = await this.cache.liveEntity(entityId);
    return entity !== undefined && !entity.disabled;
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

  // ---- entities and aliases -----------------------------------------------------------

  readEntity(id: string): Promise<EntityRecord | undefined> {
    return this.cache.entity(id);
  }

  async entityByName(name: string): Promise<EntityRecord | undefined> {
    const ref = await this.view.getJson<IdRef>(identityKeys.entityName(name));
    return ref ? this.cache.entity(ref.id) : undefined;
  }

  listEntities(): Promise<EntityRecord[]> {
    return this.cache.readAll<EntityRecord>(identityKeys.entityPrefix);
  }

  async entityGroups(id: string): Promise<EntityGroups> {
    return (await this.cache.graph()).groupsOf(id);
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
    return (await this.cache.entity(ref.entityId))?.aliases.find((a) => a.id === id);
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
    return (await this.cache.graph()).byId.get(id);
  }

  async groupByName(name: string): Promise<GroupRecord | undefined> {
    const ref = await this.view.getJson<IdRef>(identityKeys.groupName(name));
    return ref ? this.readGroup(ref.id) : undefined;
  }

  async listGroups(): Promise<GroupRecord[]> {
    return [...(await this.cache.graph()).byId.values()];
  }

  /** Groups that list `id` as a member group (Vault's parent_group_ids). */
  async parentGroups(id: string): Promise<readonly string[]> {
    return (await this.cache.graph()).parentsOf(id);
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
    return (await this.cache.grants()).find((g) => g.id === id);
  }

  listGrants(): Promise<GrantRecord[]> {
    return this.cache.grants();
  }

  async grantsFor(target: GrantTarget, id: string): Promise<GrantRecord[]> {
    return (await this.cache.grants()).filter((g) => g.target === target && g.targetId === id);
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
