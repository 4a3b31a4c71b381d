// src/core/tokens — token role management (Vault's auth/token/roles): LIST `roles`, and
// create/update/read/delete of `roles/:role_name`. A write merges the fields sent into the
// stored role (a new role starts from Vault's defaults), inside one transaction.
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { checkTokenRoleName, getTokenRole, mergeTokenRole, tokenRoleFields, tokenRoleKey, tokenRoleResponse, TOKEN_ROLE_NAME_PATTERN } from './token-role-store.js';

export function tokenRolePaths(): AnyPathSpec[] {
  return [
    definePath({
      pattern: 'roles/?',
      fields: {},
      pureReads: true,
      operations: {
        list: async ({ storage }) => {
          const keys = (await storage.list('roles/')).filter((k) => !k.endsWith('/'));
          return keys.length === 0 ? undefined : { data: { keys } };
        },
      },
      summary: 'List the token roles.',
    }),
    definePath({
      pattern: `roles/(?<role_name>${TOKEN_ROLE_NAME_PATTERN})`,
      fields: tokenRoleFields,
      existenceCheck: async ({ storage, fields }) => (await getTokenRole(storage, checkTokenRoleName(fields.role_name))) !== undefined,
      operations: {
        read: async ({ storage, fields }) => {
          const role = await getTokenRole(storage, checkTokenRoleName(fields.role_name));
          return role === undefined ? undefined : { data: tokenRoleResponse(role) };
        },
        update: async ({ storage, fields }) => {
          const name = checkTokenRoleName(fields.role_name);
          await storage.transaction(async (tx) => {
            await tx.putJson(tokenRoleKey(name), mergeTokenRole(name, await getTokenRole(tx, name), fields));
          });
          return undefined;
        },
        delete: async ({ storage, fields }) => {
          await storage.delete(tokenRoleKey(checkTokenRoleName(fields.role_name)));
          return undefined;
        },
      },
      summary: 'Create, read, update or delete a token role.',
    }),
  ];
}
