// src/auth/userpass — `login/:username` {password} (unauthenticated). An unknown user and a
// wrong password get the same 400 and cost the same argon2id verification. The core locks
// out per account through `loginAccount`; `token_bound_cidrs` is checked here after the
// password (as Vault does) and again by the core each time the token is used.
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import { ArcaError } from '../../lib/errors.js';
import { addressAllowed } from '../cidr-list.js';
import { loginAuth } from '../token-fields.js';
import { MAX_PASSWORD_LENGTH, verifyPassword } from './password-hash.js';
import { normalizeUsername, USERNAME_PATTERN } from './user-store.js';
import type { UserStore } from './user-store.js';

export const INVALID_LOGIN = 'invalid username or password';

export function pathLogin(users: UserStore): AnyPathSpec {
  return definePath({
    pattern: `login/(?<username>${USERNAME_PATTERN})`,
    fields: {
      username: field.string().required('Username of the user.'),
      password: field.string().required('Password of the user.'),
    },
    unauthenticated: true,
    summary: 'Log in with a username and password.',
    loginAccount: ({ fields }) => fields.username.toLowerCase(),
    operations: {
      update: async ({ fields, req }) => {
        const username = normalizeUsername(fields.username);
        const user = fields.password.length > MAX_PASSWORD_LENGTH ? undefined : await users.get(username);
        const ok = await verifyPassword(user?.password_hash, fields.password.slice(0, MAX_PASSWORD_LENGTH));
        if (!ok || user === undefined) throw new ArcaError('invalid_request', INVALID_LOGIN);
        if (!addressAllowed(user.token.token_bound_cidrs, req.remoteAddress)) throw new ArcaError('permission_denied', 'permission denied');
        return {
          auth: loginAuth(user.token, { displayName: username, alias: username, metadata: { username } }),
        };
      },
    },
  });
}
