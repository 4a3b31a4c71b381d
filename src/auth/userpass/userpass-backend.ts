// src/auth/userpass — the `userpass` auth method (plugin id `auth.userpass`): users with
// argon2id-hashed passwords log in at `login/:username` and get a token with the user's
// token_* params. All state lives in the mount's storage view; creating the backend has no
// side effects (initialize only precomputes the dummy hash used for unknown users).
import type { BackendFactory } from '../../framework/backend.js';
import { warmDummyHash } from './password-hash.js';
import { pathLogin } from './path-login.js';
import { pathUserPassword, pathUserPolicies, pathUsers, pathUsersList } from './path-users.js';
import { renewUserpassLogin } from './renew-userpass-login.js';
import { UserStore } from './user-store.js';

export const createUserpassBackend: BackendFactory = (env) => {
  const users = new UserStore(env.storage);
  return {
    id: 'auth.userpass',
    type: 'userpass',
    kind: 'auth',
    paths: [pathLogin(users), pathUsersList(users), pathUserPassword(users), pathUserPolicies(users), pathUsers(users)],
    initialize: warmDummyHash,
    renewLogin: renewUserpassLogin(users),
  };
};
