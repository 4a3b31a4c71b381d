// src/core/identity — Vault's identity/group-alias endpoints: POST group-alias (create, or
// update by id), group-alias/id/:id (read, update, delete), LIST group-alias/id. A group
// alias binds an external group to a group name on one auth mount; logins through that
// mount reporting the name make the entity a member. Creation answers {id, canonical_id}
// (without canonical_id a new external group is made for the alias); an update answers 204.
// As in Vault an empty string counts as unset.
import { ArcaError } from '../../lib/errors.js';
import { field } from '../../framework/field.js';
import type { LogicalResponse } from '../../framework/logical.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import type { GroupAliasInput } from './group-alias-writes.js';
import type { GroupAliasRecord } from './identity-records.js';
import { groupAliasData } from './identity-response.js';
import type { IdentityStore } from './identity-store.js';

const aliasFields = {
  name: field.string().optional('the group name as the auth method reports it (an OIDC groups claim value)'),
  mount_accessor: field.string().optional('accessor of the auth mount the name belongs to'),
  canonical_id: field.string().optional('id of the external group the alias belongs to'),
};

interface AliasFieldValues {
  readonly name?: string | undefined;
  readonly mount_accessor?: string | undefined;
  readonly canonical_id?: string | undefined;
}

const set = (value: string | undefined): value is string => value !== undefined && value !== '';

function input(fields: AliasFieldValues, id: string | undefined): GroupAliasInput {
  return {
    ...(set(id) ? { id } : {}),
    ...(set(fields.name) ? { name: fields.name } : {}),
    ...(set(fields.mount_accessor) ? { mountAccessor: fields.mount_accessor } : {}),
    ...(set(fields.canonical_id) ? { canonicalId: fields.canonical_id } : {}),
  };
}

async function write(store: IdentityStore, aliasInput: GroupAliasInput): Promise<LogicalResponse | undefined> {
  const { alias, created } = await store.writeGroupAlias(aliasInput);
  return created ? { data: { id: alias.id, canonical_id: alias.canonicalId } } : undefined;
}

function keyInfo(alias: GroupAliasRecord): Record<string, unknown> {
  return {
    canonical_id: alias.canonicalId, mount_accessor: alias.mountAccessor, mount_path: alias.mountPath,
    mount_type: alias.mountType, name: alias.name, metadata: {}, custom_metadata: {}, local: false,
  };
}

export function groupAliasPaths(store: IdentityStore): AnyPathSpec[] {
  return [
    definePath({
      pattern: 'group-alias',
      fields: { ...aliasFields, id: field.string().optional('id of a group alias to update') },
      operations: { update: async ({ fields }) => write(store, input(fields, fields.id)) },
      existenceCheck: async ({ fields }) => set(fields.id),
      summary: 'Create a group alias, or update one by id',
    }),
    definePath({
      pattern: 'group-alias/id/(?<id>[^/]+)',
      fields: { ...aliasFields, id: field.string().required() },
      operations: {
        read: async ({ fields }) => {
          const alias = await store.readGroupAlias(fields.id);
          return alias ? { data: groupAliasData(alias) } : undefined;
        },
        update: async ({ fields }) => {
          if (!(await store.readGroupAlias(fields.id))) throw new ArcaError('not_found', '');
          return write(store, input(fields, fields.id));
        },
        delete: async ({ fields }) => {
          await store.removeGroupAlias(fields.id);
          return undefined;
        },
      },
      existenceCheck: async ({ fields }) => (await store.readGroupAlias(fields.id)) !== undefined,
      summary: 'Read, update or delete a group alias by id',
    }),
    definePath({
      pattern: 'group-alias/id/?',
      fields: {},
      operations: {
        list: async () => {
          const all = (await store.listGroupAliases()).sort((a, b) => (a.id < b.id ? -1 : 1));
          if (all.length === 0) return undefined;
          return { data: { keys: all.map((a) => a.id), key_info: Object.fromEntries(all.map((a) => [a.id, keyInfo(a)])) } };
        },
      },
      summary: 'List group aliases by id',
    }),
  ];
}
