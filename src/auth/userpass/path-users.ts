// src/auth/userpass — user management (Vault's userpass API): `users/:username`
// create/update/read/delete, LIST `users/`, `users/:username/password` and
// `users/:username/policies`. A read never returns the password or its hash.
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import { ArcaError } from '../../lib/errors.js';
import { DEFAULT_TOKEN_PARAMS, mergeTokenParams, tokenFields, tokenParamsResponse } from '../token-fields.js';
import { hashPassword, MAX_PASSWORD_LENGTH } from './password-hash.js';
import { normalizeUsername, USERNAME_PATTERN } from './user-store.js';
import type { UserStore } from './user-store.js';

const usernameField = field.string().required('Username of the user (case-insensitive).');

function checkPassword(password: string): string {
  if (password === '') throw new ArcaError('invalid_request', 'missing password');
  if (password.length > MAX_PASSWORD_LENGTH) throw new ArcaError('invalid_request', `password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  return password;
}

export function pathUsersList(users: UserStore): AnyPathSpec {
  return definePath({
    pattern: 'users/?',
    fields: {},
    summary: 'List the users of this mount.',
    operations: {
      list: async () => {
        const keys = await users.list();
        return keys.length === 0 ? undefined : { data: { keys } };
      },
    },
  });
}

export function pathUsers(users: UserStore): AnyPathSpec {
  return definePath({
    pattern: `users/(?<username>${USERNAME_PATTERN})`,
    fields: { username: usernameField, password: field.string().optional('Password of the user.'), ...tokenFields },
    summary: 'Create, read, update or delete a user.',
    existenceCheck: async ({ fields }) => (await users.get(normalizeUsername(fields.username))) !== undefined,
    operations: {
      read: async ({ fields }) => {
        const user = await users.get(normalizeUsername(fields.username));
        return user === undefined ? undefined : { data: tokenParamsResponse(user.token) };
      },
      update: async ({ fields }) => {
        const username = normalizeUsername(fields.username);
        const current = await users.get(username);
        if (current === undefined && fields.password === undefined) throw new ArcaError('invalid_request', 'missing password');
        const passwordHash = fields.password === undefined ? current?.password_hash : await hashPassword(checkPassword(fields.password));
        await users.put(username, {
          password_hash: passwordHash ?? '',
          token: mergeTokenParams(current?.token ?? DEFAULT_TOKEN_PARAMS, fields),
        });
        return undefined;
      },
      delete: async ({ fields }) => {
        await users.delete(normalizeUsername(fields.username));
        return undefined;
      },
    },
  });
}

export function pathUserPassword(users: UserStore): AnyPathSpec {
  return definePath({
    pattern: `users/(?<username>${USERNAME_PATTERN})/password`,
    fields: { username: usernameField, password: field.string().required('The new password.') },
    summary: "Change a user's password.",
    existenceCheck: async ({ fields }) => (await users.get(normalizeUsername(fields.username))) !== undefined,
    operations: {
      update: async ({ fields }) => {
        const username = normalizeUsername(fields.username);
        const current = await users.get(username);
        if (current === undefined) throw new ArcaError('invalid_request', 'username does not exist');
        const passwordHash = await hashPassword(checkPassword(fields.password));
        await users.put(username, { ...current, password_hash: passwordHash });
        return undefined;
      },
    },
  });
}

export function pathUserPolicies(users: UserStore): AnyPathSpec {
  return definePath({
    pattern: `users/(?<username>${USERNAME_PATTERN})/policies`,
    fields: { username: usernameField, token_policies: tokenFields.token_policies, policies: tokenFields.policies },
    summary: "Replace a user's token policies.",
    existenceCheck: async ({ fields }) => (await users.get(normalizeUsername(fields.username))) !== undefined,
    operations: {
      update: async ({ fields }) => {
        const username = normalizeUsername(fields.username);
        const current = await users.get(username);
        if (current === undefined) throw new ArcaError('invalid_request', 'username does not exist');
        const policies = fields.token_policies ?? fields.policies ?? [];
        await users.put(username, { ...current, token: mergeTokenParams(current.token, { token_policies: policies }) });
        return undefined;
      },
    },
  });
}
