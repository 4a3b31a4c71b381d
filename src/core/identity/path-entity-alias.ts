// src/core/identity — Vault's identity/entity-alias endpoints: POST entity-alias (create,
// or update by id), entity-alias/id/:id (read, update, delete), LIST entity-alias/id.
// Creation answers {id, canonical_id}; an update answers 204.
import { ArcaError } from '../../lib/errors.js';
import { field } from '../../framework/field.js';
import type { LogicalResponse } from '../../framework/logical.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import type { AliasInput } from './entity-writes.js';
import { aliasData } from './identity-response.js';
import type { IdentityStore } from './identity-store.js';

const aliasFields = {
  name: field.string().optional('name of the account on the auth mount'),
  canonical_id: field.string().optional('id of the entity the alias belongs to'),
  mount_accessor: field.string().optional('accessor of the auth mount'),
  custom_metadata: field.stringMap().optional('operator-set metadata'),
};

interface AliasFieldValues {
  readonly name?: string | undefined;
  readonly canonical_id?: string | undefined;
  readonly mount_accessor?: string | undefined;
  readonly custom_metadata?: Record<string, string> | undefined;
}

function input(fields: AliasFieldValues, id: string | undefined): AliasInput {
  return {
    ...(id === undefined ? {} : { id }),
    ...(fields.name === undefined ? {} : { name: fields.name }),
    ...(fields.canonical_id === undefined ? {} : { canonicalId: fields.canonical_id }),
    ...(fields.mount_accessor === undefined ? {} : { mountAccessor: fields.mount_accessor }),
    ...(fields.custom_metadata === undefined ? {} : { customMetadata: fields.custom_metadata }),
  };
}

async function write(store: IdentityStore, aliasInput: AliasInput): Promise<LogicalResponse | undefined> {
  const alias = await store.writeAlias(aliasInput);
  return aliasInput.id === undefined ? { data: { id: alias.id, canonical_id: alias.canonicalId } } : undefined;
}

export function entityAliasPaths(store: IdentityStore): AnyPathSpec[] {
  return [
    definePath({
      pattern: 'entity-alias',
      fields: { ...aliasFields, id: field.string().optional('id of an alias to update') },
      operations: { update: async ({ fields }) => write(store, input(fields, fields.id)) },
      existenceCheck: async ({ fields }) => fields.id !== undefined,
      summary: 'Create an entity alias, or update one by id',
    }),
    definePath({
      pattern: 'entity-alias/id/(?<id>[^/]+)',
      fields: { ...aliasFields, id: field.string().required() },
      operations: {
        read: async ({ fields }) => {
          const alias = await store.readAlias(fields.id);
          return alias ? { data: aliasData(alias) } : undefined;
        },
        update: async ({ fields }) => {
          if (!(await store.readAlias(fields.id))) throw new ArcaError('not_found', '');
          return write(store, input(fields, fields.id));
        },
        delete: async ({ fields }) => {
          await store.removeAlias(fields.id);
          return undefined;
        },
      },
      existenceCheck: async ({ fields }) => (await store.readAlias(fields.id)) !== undefined,
      summary: 'Read, update or delete an entity alias by id',
    }),
    definePath({
      pattern: 'entity-alias/id/?',
      fields: {},
      operations: {
        list: async () => {
          const all = await store.listAliases();
          if (all.length === 0) return undefined;
          all.sort((a, b) => (a.id < b.id ? -1 : 1));
          const info = (a: (typeof all)[number]): Record<string, unknown> => ({
            canonical_id: a.canonicalId, mount_accessor: a.mountAccessor, mount_path: a.mountPath,
            mount_type: a.mountType, name: a.name, custom_metadata: a.customMetadata,
          });
          return { data: { keys: all.map((a) => a.id), key_info: Object.fromEntries(all.map((a) => [a.id, info(a)])) } };
        },
      },
      summary: 'List entity aliases by id',
    }),
  ];
}
