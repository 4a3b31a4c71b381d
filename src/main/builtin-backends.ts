// src/main — registers the backends this build ships. A duplicate id fails here, at start.
import type { BackendRegistry } from '../core/router/backend-registry.js';
import type { Core } from '../core/core.js';
import { createKvBackend } from '../engines/kv/kv-backend.js';
import { createCubbyholeBackend } from '../engines/cubbyhole/cubbyhole-backend.js';
import { createTokenBackend } from '../core/tokens/token-backend.js';
import { askIssuingMethod } from '../core/login-renewal.js';
import { createIdentityBackend } from '../core/identity/identity-backend.js';
import { mfaIdentityPaths } from '../core/mfa/mfa-identity-paths.js';
import { createUserpassBackend } from '../auth/userpass/userpass-backend.js';
import { createApproleBackend } from '../auth/approle/approle-backend.js';
import { createJwtBackend } from '../auth/jwt/jwt-backend.js';
import { createCertBackend } from '../auth/cert/cert-backend.js';

export function registerBuiltinBackends(registry: BackendRegistry, core: () => Core): void {
  registry.register({ id: 'secrets.kv', type: 'kv', table: 'mounts', factory: createKvBackend });
  registry.register({ id: 'secrets.cubbyhole', type: 'cubbyhole', table: 'mounts', factory: createCubbyholeBackend });
  // identity/ serves the core's identity store; the login-MFA method and enforcement paths
  // (identity/mfa/...) are part of its table, as in Vault.
  registry.register({ id: 'secrets.identity', type: 'identity', table: 'mounts', factory: () => createIdentityBackend(core().identity, mfaIdentityPaths(core().mfa, core().identity)) });
  registry.register({
    id: 'auth.token',
    type: 'token',
    table: 'auth',
    factory: () =>
      createTokenBackend(core().tokens, core().leases, {
        // Sudo on the request path (orphans, custom ids) comes from the caller's ACL.
        isSudo: async (req) => {
          const acl = await core().policies.acl(req.auth?.policies ?? []);
          return acl.check({ path: req.path, operation: req.operation, data: req.data }).rootPrivs;
        },
        // The method that minted a login token may refuse its renewal (Vault's AuthRenew).
        renewLogin: (entry, req) => askIssuingMethod(core().router, entry, req),
        // entity_alias: the alias lives on this token mount (the request's accessor).
        entityForAlias: async (aliasName, req) => {
          const identity = core().identity;
          const { entityId } = await identity.resolveLogin({ mountAccessor: req.mountAccessor, mountType: 'token', aliasName });
          return { entityId, disabled: (await identity.readEntity(entityId))?.disabled ?? false };
        },
        policyExists: async (name) => (await core().policies.read(name)) !== undefined,
      }),
  });
  registry.register({ id: 'auth.userpass', type: 'userpass', table: 'auth', factory: createUserpassBackend });
  registry.register({ id: 'auth.approle', type: 'approle', table: 'auth', factory: createApproleBackend });
  registry.register({ id: 'auth.jwt', type: 'jwt', aliases: ['oidc'], table: 'auth', factory: createJwtBackend });
  registry.register({ id: 'auth.cert', type: 'cert', table: 'auth', factory: createCertBackend });
  // sys/ is not registered: the core mounts it itself (it must answer while sealed).
}
