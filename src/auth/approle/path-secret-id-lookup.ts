// src/auth/approle — inspecting and revoking secret-ids: `role/:role_name/secret-id/lookup`
// and `/destroy` take the secret_id itself; `secret-id-accessor/lookup` and `/destroy` take
// its accessor; the destroy paths take POST or DELETE. An expired secret-id is reported as absent (tidy removes it for good).
// Lookup by secret_id of an unknown one answers 204 with no data, as Vault does; an unknown
// accessor is 404.
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec, Handler } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import type { FieldValues } from '../../framework/field.js';
import { ArcaError } from '../../lib/errors.js';
import type { MountKey } from './mount-key.js';
import { checkCredentialId, checkRoleName, ROLE_NAME_PATTERN } from './role-store.js';
import { deleteSecretId, getSecretId, hmacForAccessor, isExpired, secretIdResponse } from './secret-id-store.js';

const roleName = field.string().required('Name of the role.');

function accessorNotFound(accessor: string): ArcaError {
  return new ArcaError('not_found', `failed to find accessor entry for secret_id_accessor: ${JSON.stringify(accessor.slice(0, 64))}`);
}

export function pathSecretIdLookup(key: MountKey): AnyPathSpec[] {
  const fields = { role_name: roleName, secret_id: field.string().required('The secret-id.') };
  const destroy: Handler<FieldValues<typeof fields>> = async ({ storage, fields: f }) => {
    const name = checkRoleName(f.role_name);
    const hmac = (await key.hasher())(checkCredentialId(f.secret_id, 'secret_id'));
    await storage.transaction((tx) => deleteSecretId(tx, name, hmac));
    return undefined;
  };
  return [
    definePath({
      pattern: `role/(?<role_name>${ROLE_NAME_PATTERN})/secret-id/lookup/?`,
      fields,
      summary: 'Read the properties of a secret-id.',
      operations: {
        update: async ({ storage, fields: f, clock }) => {
          const name = checkRoleName(f.role_name);
          const hmac = (await key.hasher())(checkCredentialId(f.secret_id, 'secret_id'));
          const entry = await getSecretId(storage, name, hmac);
          return entry === undefined || isExpired(entry, clock.now()) ? undefined : { data: secretIdResponse(entry) };
        },
      },
    }),
    definePath({
      pattern: `role/(?<role_name>${ROLE_NAME_PATTERN})/secret-id/destroy/?`,
      fields,
      summary: 'Destroy a secret-id.',
      operations: {
        update: destroy,
        delete: destroy,
      },
    }),
  ];
}

export function pathSecretIdAccessor(): AnyPathSpec[] {
  const fields = { role_name: roleName, secret_id_accessor: field.string().required('The accessor of the secret-id.') };
  const destroy: Handler<FieldValues<typeof fields>> = async ({ storage, fields: f }) => {
    const name = checkRoleName(f.role_name);
    const found = await storage.transaction(async (tx) => {
      const hmac = await hmacForAccessor(tx, name, f.secret_id_accessor);
      return hmac !== undefined && (await deleteSecretId(tx, name, hmac));
    });
    if (!found) throw accessorNotFound(f.secret_id_accessor);
    return undefined;
  };
  return [
    definePath({
      pattern: `role/(?<role_name>${ROLE_NAME_PATTERN})/secret-id-accessor/lookup/?`,
      fields,
      summary: 'Read the properties of a secret-id by its accessor.',
      operations: {
        update: async ({ storage, fields: f, clock }) => {
          const name = checkRoleName(f.role_name);
          const hmac = await hmacForAccessor(storage, name, f.secret_id_accessor);
          const entry = hmac === undefined ? undefined : await getSecretId(storage, name, hmac);
          if (entry === undefined || isExpired(entry, clock.now())) throw accessorNotFound(f.secret_id_accessor);
          return { data: secretIdResponse(entry) };
        },
      },
    }),
    definePath({
      pattern: `role/(?<role_name>${ROLE_NAME_PATTERN})/secret-id-accessor/destroy/?`,
      fields,
      summary: 'Destroy a secret-id by its accessor.',
      operations: {
        update: destroy,
        delete: destroy,
      },
    }),
  ];
}
