// src/core/identity — IdentityCache: the in-memory read side of IdentityStore. `effective`
// runs on every request, so entities (and merged-entity redirects) are cached per id and the
// group graph and grant list are cached whole. The cache never writes: IdentityStore calls
// `invalidate()` after each of its writes commits, and a multi-node deployment calls it on a
// LISTEN/NOTIFY "identity changed" message. A load that started before an invalidation is not
// cached (the generation check), so a stale read cannot outlive the write that replaced it.
import type { StorageView } from '../../storage/storage-view.js';
import { getEntity } from './entity-writes.js';
import { GroupGraph } from './group-graph.js';
import { identityKeys } from './identity-records.js';
import type { EntityRecord, GrantRecord, GroupRecord, IdRef } from './identity-records.js';

const MAX_CACHED_ENTITIES = 10_000;

export class IdentityCache {
  private generation = 0;
  private readonly entities = new Map<string, EntityRecord | null>();
  /** Ids of deleted entities → the entity they were merged into (null: none). */
  private readonly mergedInto = new Map<string, string | null>();
  private graphLoad: Promise<GroupGraph> | undefined;
  private grantsLoad: Promise<GrantRecord[]> | undefined;

  /** `view` is the sys/identity/ slice IdentityStore writes. */
  constructor(private readonly view: StorageView) {}

  /** Drops everything cached. */
  invalidate(): void {
    this.generation += 1;
    this.entities.clear();
    this.mergedInto.clear();
    this.graphLoad = undefined;
    this.grantsLoad = undefined;
  }

  async entity(id: string): Promise<EntityRecord | undefined> {
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
  async liveEntity(id: string): Promise<EntityRecord | undefined> {
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

  /** Every group, as a graph; a failed load is not cached. */
  graph(): Promise<GroupGraph> {
    const loading = (this.graphLoad ??= this.readAll<GroupRecord>(identityKeys.groupPrefix).then((gs) => new GroupGraph(gs)));
    loading.catch(() => {
      if (this.graphLoad === loading) this.graphLoad = undefined;
    });
    return loading;
  }

  /** Every grant, active or not; a failed load is not cached. */
  grants(): Promise<GrantRecord[]> {
    const loading = (this.grantsLoad ??= this.readAll<GrantRecord>(identityKeys.grantPrefix));
    loading.catch(() => {
      if (this.grantsLoad === loading) this.grantsLoad = undefined;
    });
    return loading;
  }

  /** Every record under `prefix`, read from storage (not cached). */
  async readAll<T>(prefix: string): Promise<T[]> {
    const out: T[] = [];
    for (const key of await this.view.scan(prefix)) {
      const value = await this.view.getJson<T>(key);
      if (value !== undefined) out.push(value);
    }
    return out;
  }
}
