// src/core/mfa — identity/mfa/login-enforcement[/:name] (Vault's login enforcements): which
// logins — by auth mount accessor or type, identity entity or group — must pass which MFA
// methods. Mounted inside the identity backend via mfaIdentityPaths.
import { randomUUID } from 'node:crypto';
import { ArcaError } from '../../lib/errors.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import type { MfaManager } from './mfa-manager.js';
import { checkKeySegment } from './mfa-store.js';
import { renderEnforcement } from './totp-method.js';
import type { LoginEnforcement } from './totp-method.js';

const MAX_ITEMS = 256;

function bounded(list: readonly string[] | undefined, name: string): readonly string[] | undefined {
  if (list === undefined) return undefined;
  if (list.length > MAX_ITEMS) throw new ArcaError('invalid_request', `${name} may hold at most ${MAX_ITEMS} items`);
  return [...new Set(list.filter((s) => s !== ''))];
}

export function mfaEnforcementPaths(manager: MfaManager): AnyPathSpec[] {
  return [
    definePath({
      pattern: 'mfa/login-enforcement/?',
      fields: {},
      operations: {
        list: async () => {
          const all = await manager.store.listEnforcements();
          if (all.length === 0) return undefined;
          return { data: { keys: all.map((e) => e.name), key_info: Object.fromEntries(all.map((e) => [e.name, renderEnforcement(e)])) } };
        },
      },
      summary: 'List login enforcements',
    }),
    definePath({
      pattern: 'mfa/login-enforcement/(?<name>[^/]+)',
      fields: {
        name: field.string().required('Name of the enforcement'),
        mfa_method_ids: field.strings().optional('MFA methods that satisfy the enforcement (any one of them)'),
        auth_method_accessors: field.strings().optional('Auth mount accessors the enforcement applies to'),
        auth_method_types: field.strings().optional('Auth method types the enforcement applies to'),
        identity_group_ids: field.strings().optional('Identity groups the enforcement applies to'),
        identity_entity_ids: field.strings().optional('Identity entities the enforcement applies to'),
      },
      operations: {
        read: async ({ fields }) => {
          const e = await manager.store.getEnforcement(fields.name);
          return e ? { data: renderEnforcement(e) } : undefined;
        },
        update: async ({ fields }) => {
          const name = checkKeySegment(fields.name, 'enforcement name');
          const prev = await manager.store.getEnforcement(name);
          const next: LoginEnforcement = {
            name,
            id: prev?.id ?? randomUUID(),
            mfaMethodIds: bounded(fields.mfa_method_ids, 'mfa_method_ids') ?? prev?.mfaMethodIds ?? [],
            authMethodAccessors: bounded(fields.auth_method_accessors, 'auth_method_accessors') ?? prev?.authMethodAccessors ?? [],
            authMethodTypes: bounded(fields.auth_method_types, 'auth_method_types') ?? prev?.authMethodTypes ?? [],
            identityGroupIds: bounded(fields.identity_group_ids, 'identity_group_ids') ?? prev?.identityGroupIds ?? [],
            identityEntityIds: bounded(fields.identity_entity_ids, 'identity_entity_ids') ?? prev?.identityEntityIds ?? [],
          };
          if (next.mfaMethodIds.length === 0) throw new ArcaError('invalid_request', 'missing method ids');
          const targets = [next.authMethodAccessors, next.authMethodTypes, next.identityGroupIds, next.identityEntityIds];
          if (targets.every((t) => t.length === 0)) {
            throw new ArcaError(
              'invalid_request',
              'One of auth_method_accessors, auth_method_types, identity_group_ids, identity_entity_ids must be specified',
            );
          }
          await manager.store.putEnforcement(next);
          return undefined;
        },
        delete: async ({ fields }) => {
          await manager.store.deleteEnforcement(fields.name);
          return undefined;
        },
      },
      existenceCheck: async ({ fields }) => (await manager.store.getEnforcement(fields.name)) !== undefined,
      summary: 'Read, write or delete a login enforcement',
    }),
  ];
}
