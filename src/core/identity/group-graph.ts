// src/core/identity — an immutable in-memory view of every group, built once per cache
// generation: who contains whom. Answers an entity's direct and inherited groups (Vault's
// direct_group_ids / inherited_group_ids) and checks that a proposed membership would not
// form a cycle. Traversals keep a visited set, so even a corrupt stored cycle terminates.
import type { GroupRecord } from './identity-records.js';

export interface EntityGroups {
  readonly direct: readonly string[];
  /** Groups reached only through nesting (a parent of a direct group, transitively). */
  readonly inherited: readonly string[];
}

export class GroupGraph {
  readonly byId: ReadonlyMap<string, GroupRecord>;
  private readonly entityGroups = new Map<string, string[]>();
  private readonly parents = new Map<string, string[]>();

  constructor(groups: Iterable<GroupRecord>) {
    const byId = new Map<string, GroupRecord>();
    for (const g of groups) byId.set(g.id, g);
    this.byId = byId;
    for (const g of byId.values()) {
      for (const e of g.memberEntityIds) push(this.entityGroups, e, g.id);
      for (const child of g.memberGroupIds) push(this.parents, child, g.id);
    }
  }

  /** Groups that list `groupId` as a member group. */
  parentsOf(groupId: string): readonly string[] {
    return this.parents.get(groupId) ?? [];
  }

  groupsOf(entityId: string): EntityGroups {
    const direct = [...new Set(this.entityGroups.get(entityId) ?? [])].sort();
    const seen = new Set(direct);
    const inherited: string[] = [];
    const queue = [...direct];
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      for (const parent of this.parentsOf(id)) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        inherited.push(parent);
        queue.push(parent);
      }
    }
    return { direct, inherited: inherited.sort() };
  }

  /**
   * Whether making `members` the member groups of `groupId` would close a cycle: true when
   * `groupId` is one of them or is reachable downwards from one of them.
   */
  wouldCycle(groupId: string, members: readonly string[]): string | undefined {
    for (const start of members) {
      if (start === groupId) return start;
      const seen = new Set<string>([start]);
      const stack = [start];
      for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
        for (const child of this.byId.get(id)?.memberGroupIds ?? []) {
          if (child === groupId) return start;
          if (!seen.has(child)) {
            seen.add(child);
            stack.push(child);
          }
        }
      }
    }
    return undefined;
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
