// src/auth/approle — role management (Vault's approle API): `role/:role_name`
// create/update/read/delete, LIST `role/`, and `role/:role_name/role-id` read/write.
// A role with bind_secret_id=false must carry a CIDR restriction, as in Vault.
import { randomUUID } from 'node:crypto';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import { ArcaError } from '../../lib/errors.js';
import { parseCidrs } from '../cidr-list.js';
import { DEFAULT_TOKEN_PARAMS, mergeTokenParams, tokenFields, tokenParamsResponse } from '../token-fields.js';
import type { MountKey } from './mount-key.js';
import { checkCredentialId, checkRoleName, getRole, putRole, requireRole, roleIdKey, roleKey, ROLE_NAME_PATTERN } from './role-store.js';
import type { RoleEntry } from './role-store.js';
import { deleteAllSecretIds } from './secret-id-store.js';

const roleNameField = field.string().required('Name of the role.');

const roleFields = {
  role_name: roleNameField,
  bind_secret_id: field.bool().optional('Require a secret_id at login (default true).'),
  secret_id_bound_cidrs: field.strings().optional('Client addresses allowed to log in with this role.'),
  secret_id_num_uses: field.int(0, 1_000_000_000).optional('Uses per secret-id (0 = unlimited).'),
  secret_id_ttl: field.duration().optional('Lifetime of secret-ids (0 = no expiry).'),
  local_secret_ids: field.bool().optional('Accepted for compatibility; secret-ids are always replicated with storage.'),
  role_id: field.string().optional('A custom role_id (default: a random UUID).'),
  ...tokenFields,
};

function roleResponse(role: RoleEntry): Record<string, unknown> {
  return {
    bind_secret_id: role.bind_secret_id,
    secret_id_bound_cidrs: [...role.secret_id_bound_cidrs],
    secret_id_num_uses: role.secret_id_num_uses,
    secret_id_ttl: role.secret_id_ttl,
    local_secret_ids: role.local_secret_ids,
    ...tokenParamsResponse(role.token),
    period: role.token.token_period,
  };
}

type RoleFieldValues = { [K in keyof typeof roleFields]: ReturnType<(typeof roleFields)[K]['parse']> };

function mergeRole(name: string, current: RoleEntry | undefined, sent: RoleFieldValues): RoleEntry {
  const next: RoleEntry = {
    name,
    role_id: sent.role_id === undefined ? (current?.role_id ?? randomUUID()) : checkCredentialId(sent.role_id, 'role_id'),
    bind_secret_id: sent.bind_secret_id ?? current?.bind_secret_id ?? true,
    secret_id_bound_cidrs: sent.secret_id_bound_cidrs
      ? parseCidrs(sent.secret_id_bound_cidrs, 'secret_id_bound_cidrs')
      : (current?.secret_id_bound_cidrs ?? []),
    secret_id_num_uses: sent.secret_id_num_uses ?? current?.secret_id_num_uses ?? 0,
    secret_id_ttl: sent.secret_id_ttl ?? current?.secret_id_ttl ?? 0,
    local_secret_ids: current?.local_secret_ids ?? sent.local_secret_ids ?? false,
    token: mergeTokenParams(current?.token ?? DEFAULT_TOKEN_PARAMS, sent),
  };
  if (!next.bind_secret_id && next.secret_id_bound_cidrs.length === 0 && next.token.token_bound_cidrs.length === 0) {
    throw new ArcaError('invalid_request', 'at least one constraint should be enabled on the role');
  }
  return next;
}

export function pathRoleList(): AnyPathSpec {
  return definePath({
    pattern: 'role/?',
    fields: {},
    summary: 'List the roles of this mount.',
    operations: {
      list: async ({ storage }) => {
        const keys = await storage.list('role/');
        return keys.length === 0 ? undefined : { data: { keys } };
      },
    },
  });
}

export function pathRole(key: MountKey): AnyPathSpec {
  return definePath({
    pattern: `role/(?<role_name>${ROLE_NAME_PATTERN})`,
    fields: roleFields,
    summary: 'Create, read, update or delete a role.',
    existenceCheck: async ({ storage, fields }) => (await getRole(storage, checkRoleName(fields.role_name))) !== undefined,
    operations: {
      read: async ({ storage, fields }) => {
        const role = await getRole(storage, checkRoleName(fields.role_name));
        return role === undefined ? undefined : { data: roleResponse(role) };
      },
      update: async ({ storage, fields }) => {
        const name = checkRoleName(fields.role_name);
        const hmac = await key.hasher();
        await storage.transaction(async (tx) => {
          const current = await getRole(tx, name);
          await putRole(tx, mergeRole(name, current, fields), hmac, current);
        });
        return undefined;
      },
      delete: async ({ storage, fields }) => {
        const name = checkRoleName(fields.role_name);
        const hmac = await key.hasher();
        await storage.transaction(async (tx) => {
          const role = await getRole(tx, name);
          if (role === undefined) return;
          await tx.delete(roleIdKey(hmac(role.role_id)));
          await tx.delete(roleKey(name));
          await deleteAllSecretIds(tx, name);
        });
        return undefined;
      },
    },
  });
}

export function pathRoleId(key: MountKey): AnyPathSpec {
  return definePath({
    pattern: `role/(?<role_name>${ROLE_NAME_PATTERN})/role-id`,
    fields: { role_name: roleNameField, role_id: field.string().optional('The new role_id.') },
    summary: "Read or set a role's role_id.",
    existenceCheck: async ({ storage, fields }) => (await getRole(storage, checkRoleName(fields.role_name))) !== undefined,
    operations: {
      read: async ({ storage, fields }) => {
        const role = await getRole(storage, checkRoleName(fields.role_name));
        return role === undefined ? undefined : { data: { role_id: role.role_id } };
      },
      update: async ({ storage, fields }) => {
        const name = checkRoleName(fields.role_name);
        const roleId = checkCredentialId(fields.role_id ?? '', 'role_id');
        const hmac = await key.hasher();
        await storage.transaction(async (tx) => {
          const current = await requireRole(tx, name);
          await putRole(tx, { ...current, role_id: roleId }, hmac, current);
        });
        return undefined;
      },
    },
  });
}
