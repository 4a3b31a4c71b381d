// src/core/identity — an immutable in-memory view of every group, built once per cache
// generation: who contains whom. Answers an entity's direct and inherited groups (Vault's
// direct_group_ids / inherited_group_ids) and checks that a proposed membership would not
// form a cycle. Traversals keep a visited set, so even a corrupt stored cycle terminates.
// Also indexes external groups by their alias (mount accessor + name) for logins.
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
  private readonly aliases = new Map<string, GroupRecord>();

  constructor(groups: Iterable<GroupRecord>) {
    const byId = new Map<string, GroupRecord>();
    for (const g of groups) byId.set(g.id, g);
    this.byId = byId;
    for (const g of byId.values()) {
      for (const e of g.memberEntityIds) push(this.entityGroups, e, g.id);
      for (const child of g.memberGroupIds) push(this.parents, child, g.id);
      if (g.alias) this.aliases.set(aliasKey(g.alias.mountAccessor, g.alias.name), g);
    }
  }

  /** The external group whose alias is `name` on the mount `accessor`. */
  byAlias(accessor: string, name: string): GroupRecord | undefined {
    return this.aliases.get(aliasKey(accessor, name));
  }

  /**
   * The external groups a login through `accessor` reporting `names` would change for the
   * entity: those aliased there under one of the names that it is not in yet, and those
   * aliased there under another name that it is in.
   */
  loginChanges(entityId: string, accessor: string, names: ReadonlySet<string>): string[] {
    const out = new Set<string>();
    for (const name of names) {
      const group = this.byAlias(accessor, name);
      if (group && !group.memberEntityIds.includes(entityId)) out.add(group.id);
    }
    for (const id of this.entityGroups.get(entityId) ?? []) {
      const alias = this.byId.get(id)?.alias;
      if (alias?.mountAccessor === accessor && !names.has(alias.name)) out.add(id);
    }
    return [...out].sort();
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

function aliasKey(accessor: string, name: string): string {
  return `${accessor}\u0000${name}`;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
