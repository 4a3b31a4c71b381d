// src/core/identity — Vault's identity/entity endpoints: POST entity (create, or update by
// id or name), entity/id/:id and entity/name/:name (read, update, delete), LIST entity/id
// and entity/name, POST entity/merge (204, see entity-merge.ts). Creation answers
// {id, name}; an update answers 204 as Vault does. Reading a merged entity's id is a 404
// (as in Vault); only its tokens follow it to the entity it was merged into.
import { ArcaError } from '../../lib/errors.js';
import { field } from '../../framework/field.js';
import type { LogicalResponse } from '../../framework/logical.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import type { EntityInput } from './entity-writes.js';
import type { EntityRecord } from './identity-records.js';
import { entityData } from './identity-response.js';
import type { IdentityStore } from './identity-store.js';

const entityFields = {
  name: field.string().optional('name of the entity'),
  metadata: field.stringMap().optional('metadata to attach to the entity'),
  policies: field.strings().optional('policies the entity carries'),
  disabled: field.bool().optional('a disabled entity cannot use its tokens'),
};

interface EntityFieldValues {
  readonly name?: string | undefined;
  readonly metadata?: Record<string, string> | undefined;
  readonly policies?: string[] | undefined;
  readonly disabled?: boolean | undefined;
}

function input(fields: EntityFieldValues, id?: string): EntityInput {
  return {
    ...(id === undefined ? {} : { id }),
    ...(fields.name === undefined ? {} : { name: fields.name }),
    ...(fields.metadata === undefined ? {} : { metadata: fields.metadata }),
    ...(fields.policies === undefined ? {} : { policies: fields.policies }),
    ...(fields.disabled === undefined ? {} : { disabled: fields.disabled }),
  };
}

async function write(store: IdentityStore, entityInput: EntityInput): Promise<LogicalResponse | undefined> {
  const { entity, created } = await store.writeEntity(entityInput);
  return created ? { data: { id: entity.id, name: entity.name } } : undefined;
}

async function read(store: IdentityStore, entity: EntityRecord | undefined, now: number): Promise<LogicalResponse | undefined> {
  if (!entity) return undefined;
  const [groups, grants] = await Promise.all([store.entityGroups(entity.id), store.grantsFor('entity', entity.id)]);
  return { data: entityData(entity, groups, grants, now) };
}

function keyInfo(entity: EntityRecord): Record<string, unknown> {
  return {
    name: entity.name,
    aliases: entity.aliases.map((a) => ({ id: a.id, mount_accessor: a.mountAccessor, mount_path: a.mountPath, mount_type: a.mountType, name: a.name })),
  };
}

export function entityPaths(store: IdentityStore): AnyPathSpec[] {
  return [
    definePath({
      pattern: 'entity',
      fields: { ...entityFields, id: field.string().optional('id of an entity to update') },
      operations: { update: async ({ fields }) => write(store, input(fields, fields.id)) },
      existenceCheck: async ({ fields }) =>
        fields.id !== undefined || (fields.name !== undefined && (await store.entityByName(fields.name)) !== undefined),
      summary: 'Create an entity, or update one by id or name',
    }),
    definePath({
      pattern: 'entity/id/(?<id>[^/]+)',
      fields: { ...entityFields, id: field.string().required() },
      operations: {
        read: async ({ fields, clock }) => read(store, await store.readEntity(fields.id), clock.now()),
        update: async ({ fields }) => {
          if (!(await store.readEntity(fields.id))) throw new ArcaError('not_found', '');
          return write(store, input(fields, fields.id));
        },
        delete: async ({ fields }) => {
          await store.removeEntity(fields.id);
          return undefined;
        },
      },
      existenceCheck: async ({ fields }) => (await store.readEntity(fields.id)) !== undefined,
      summary: 'Read, update or delete an entity by id',
    }),
    definePath({
      pattern: 'entity/id/?',
      fields: {},
      operations: {
        list: async () => {
          const all = await store.listEntities();
          if (all.length === 0) return undefined;
          all.sort((a, b) => (a.id < b.id ? -1 : 1));
          return { data: { keys: all.map((e) => e.id), key_info: Object.fromEntries(all.map((e) => [e.id, keyInfo(e)])) } };
        },
      },
      summary: 'List entities by id',
    }),
    definePath({
      pattern: 'entity/name/(?<name>[^/]+)',
      fields: { ...entityFields, name: field.string().required() },
      operations: {
        read: async ({ fields, clock }) => read(store, await store.entityByName(fields.name), clock.now()),
        update: async ({ fields }) => write(store, input(fields)),
        delete: async ({ fields }) => {
          const entity = await store.entityByName(fields.name);
          if (entity) await store.removeEntity(entity.id);
          return undefined;
        },
      },
      existenceCheck: async ({ fields }) => (await store.entityByName(fields.name)) !== undefined,
      summary: 'Read, create or update, or delete an entity by name',
    }),
    definePath({
      pattern: 'entity/merge/?',
      fields: {
        from_entity_ids: field.strings().default([], 'entities to merge into to_entity_id; deleted by the merge'),
        to_entity_id: field.string().default('', 'the entity that remains'),
        conflicting_alias_ids_to_keep: field.strings().default([], 'for aliases of both sides on one mount: the alias to keep (one from-entity only)'),
        force: field.bool().default(false, "on an MFA method both sides are enrolled in: keep the to-entity's secret instead of refusing"),
      },
      operations: {
        update: async ({ fields }) => {
          await store.mergeEntities({
            toEntityId: fields.to_entity_id, fromEntityIds: fields.from_entity_ids, conflictingAliasIdsToKeep: fields.conflicting_alias_ids_to_keep,
            force: fields.force,
          });
          return undefined;
        },
      },
      summary: 'Merge entities into one',
    }),
    definePath({
      pattern: 'entity/name/?',
      fields: {},
      operations: {
        list: async () => {
          const names = (await store.listEntities()).map((e) => e.name).sort();
          return names.length === 0 ? undefined : { data: { keys: names } };
        },
      },
      summary: 'List entities by name',
    }),
  ];
}
