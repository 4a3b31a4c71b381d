// src/core/identity — Vault's identity/group endpoints: POST group (create, or update by id
// or name), group/id/:id and group/name/:name (read, update, delete), LIST group/id and
// group/name. `type` is "internal" (members set here) or "external" (members come from
// logins matching the group's alias, see path-group-alias.ts); it cannot change later.
import { ArcaError } from '../../lib/errors.js';
import { field } from '../../framework/field.js';
import type { LogicalResponse } from '../../framework/logical.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import type { GroupInput } from './group-writes.js';
import type { GroupRecord } from './identity-records.js';
import { groupData } from './identity-response.js';
import type { IdentityStore } from './identity-store.js';

const groupFields = {
  name: field.string().optional('name of the group'),
  type: field.enum(['internal', 'external'] as const).optional('"internal" (default) or "external" (members from logins, through a group alias)'),
  policies: field.strings().optional('policies every member gets'),
  member_entity_ids: field.strings().optional('entity ids that are members'),
  member_group_ids: field.strings().optional('group ids that are members (nested groups)'),
  metadata: field.stringMap().optional('metadata to attach to the group'),
};

interface GroupFieldValues {
  readonly name?: string | undefined;
  readonly type?: 'internal' | 'external' | undefined;
  readonly policies?: string[] | undefined;
  readonly member_entity_ids?: string[] | undefined;
  readonly member_group_ids?: string[] | undefined;
  readonly metadata?: Record<string, string> | undefined;
}

function input(fields: GroupFieldValues, id: string | undefined): GroupInput {
  return {
    ...(id === undefined ? {} : { id }),
    ...(fields.name === undefined ? {} : { name: fields.name }),
    ...(fields.type === undefined ? {} : { type: fields.type }),
    ...(fields.policies === undefined ? {} : { policies: fields.policies }),
    ...(fields.member_entity_ids === undefined ? {} : { memberEntityIds: fields.member_entity_ids }),
    ...(fields.member_group_ids === undefined ? {} : { memberGroupIds: fields.member_group_ids }),
    ...(fields.metadata === undefined ? {} : { metadata: fields.metadata }),
  };
}

async function write(store: IdentityStore, groupInput: GroupInput): Promise<LogicalResponse | undefined> {
  const { group, created } = await store.writeGroup(groupInput);
  return created ? { data: { id: group.id, name: group.name } } : undefined;
}

async function read(store: IdentityStore, group: GroupRecord | undefined, now: number): Promise<LogicalResponse | undefined> {
  if (!group) return undefined;
  const [parents, grants] = await Promise.all([store.parentGroups(group.id), store.grantsFor('group', group.id)]);
  return { data: groupData(group, parents, grants, now) };
}

export function groupPaths(store: IdentityStore): AnyPathSpec[] {
  return [
    definePath({
      pattern: 'group',
      fields: { ...groupFields, id: field.string().optional('id of a group to update') },
      operations: { update: async ({ fields }) => write(store, input(fields, fields.id)) },
      existenceCheck: async ({ fields }) =>
        fields.id !== undefined || (fields.name !== undefined && (await store.groupByName(fields.name)) !== undefined),
      summary: 'Create a group, or update one by id or name',
    }),
    definePath({
      pattern: 'group/id/(?<id>[^/]+)',
      fields: { ...groupFields, id: field.string().required() },
      operations: {
        read: async ({ fields, clock }) => read(store, await store.readGroup(fields.id), clock.now()),
        update: async ({ fields }) => {
          if (!(await store.readGroup(fields.id))) throw new ArcaError('not_found', '');
          return write(store, input(fields, fields.id));
        },
        delete: async ({ fields }) => {
          await store.removeGroup(fields.id);
          return undefined;
        },
      },
      existenceCheck: async ({ fields }) => (await store.readGroup(fields.id)) !== undefined,
      summary: 'Read, update or delete a group by id',
    }),
    definePath({
      pattern: 'group/id/?',
      fields: {},
      operations: {
        list: async () => {
          const all = (await store.listGroups()).sort((a, b) => (a.id < b.id ? -1 : 1));
          if (all.length === 0) return undefined;
          const parents = (id: string): number => all.filter((p) => p.memberGroupIds.includes(id)).length;
          const info = (g: GroupRecord): Record<string, unknown> => ({
            name: g.name, num_member_entities: g.memberEntityIds.length, num_parent_groups: parents(g.id),
          });
          return { data: { keys: all.map((g) => g.id), key_info: Object.fromEntries(all.map((g) => [g.id, info(g)])) } };
        },
      },
      summary: 'List groups by id',
    }),
    definePath({
      pattern: 'group/name/(?<name>[^/]+)',
      fields: { ...groupFields, name: field.string().required() },
      operations: {
        read: async ({ fields, clock }) => read(store, await store.groupByName(fields.name), clock.now()),
        update: async ({ fields }) => write(store, input(fields, (await store.groupByName(fields.name))?.id)),
        delete: async ({ fields }) => {
          const group = await store.groupByName(fields.name);
          if (group) await store.removeGroup(group.id);
          return undefined;
        },
      },
      existenceCheck: async ({ fields }) => (await store.groupByName(fields.name)) !== undefined,
      summary: 'Read, create or update, or delete a group by name',
    }),
    definePath({
      pattern: 'group/name/?',
      fields: {},
      operations: {
        list: async () => {
          const names = (await store.listGroups()).map((g) => g.name).sort();
          return names.length === 0 ? undefined : { data: { keys: names } };
        },
      },
      summary: 'List groups by name',
    }),
  ];
}
