// src/auth/jwt — the `jwt` auth method (also mountable as `oidc`): config, roles and the
// machine login with a signed JWT (CI systems such as GitHub Actions, Kubernetes service
// accounts, any OIDC provider's ID tokens). The OIDC browser flow's paths (oidc-* files)
// share this mount's storage. One JwtKeySource per mount caches the fetched JWKS.
import type { Backend, BackendEnv } from '../../framework/backend.js';
import { JwtKeySource } from './jwt-key-source.js';
import { oidcPaths } from './oidc-paths.js';
import { pathConfig } from './path-config.js';
import { pathLogin } from './path-login.js';
import { pathRole, pathRoleList } from './path-role.js';
import { renewJwtLogin } from './renew-jwt-login.js';

export function createJwtBackend(env: BackendEnv): Backend {
  const keys = new JwtKeySource(env.clock);
  return {
    id: 'auth.jwt',
    type: 'jwt',
    kind: 'auth',
    paths: [pathConfig(keys), pathLogin(keys), pathRoleList, pathRole, ...oidcPaths(env)],
    renewLogin: renewJwtLogin(env.storage),
  };
}
