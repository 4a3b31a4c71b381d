// src/auth/jwt — `login` {jwt, role} (unauthenticated): verifies the token's signature with
// the mount's key source, checks its claims against the role and returns the ResponseAuth
// the core mints a token from. Failures are 400s naming the failed check (403 for a client
// address outside token_bound_cidrs); the JWT itself is never echoed or logged.
import { field } from '../../framework/field.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { ArcaError, forbidden } from '../../lib/errors.js';
import { addressAllowed } from '../cidr-list.js';
import { readJwtConfig } from './jwt-config-store.js';
import type { JwtKeySource } from './jwt-key-source.js';
import { buildJwtLoginAuth } from './jwt-login-auth.js';
import { readJwtRole } from './jwt-role-store.js';
import { validateJwtClaims } from './jwt-validate.js';

const invalid = (message: string): ArcaError => new ArcaError('invalid_request', message);

export function pathLogin(keys: JwtKeySource): AnyPathSpec {
  return definePath({
    pattern: 'login',
    unauthenticated: true,
    // Throttled per client address; no per-role lockout (a role is shared by every caller).
    login: true,
    fields: {
      jwt: field.string().default('', 'The signed JWT.'),
      role: field.string().default('', 'Role to log in with (default: the config default_role).'),
    },
    summary: 'Log in with a signed JWT.',
    // No loginAccount on purpose (as in Vault, which has no lockout for jwt): the only account
    // known before the signature is checked is the role, shared by every pipeline using it, so
    // locking it on failures would let anyone who knows its name lock out all of them. A
    // signed JWT cannot be guessed, so a lockout adds no protection here.
    operations: {
      update: async ({ fields: f, storage, clock, req }) => {
        if (f.jwt === '') throw invalid('missing token');
        const config = await readJwtConfig(storage);
        if (config === undefined) throw invalid('could not load configuration');
        const roleName = (f.role === '' ? config.default_role : f.role).toLowerCase();
        if (roleName === '') throw invalid('missing role');
        const role = await readJwtRole(storage, roleName);
        if (role === undefined) throw invalid(`role ${JSON.stringify(roleName.slice(0, 128))} could not be found`);
        if (role.role_type === 'oidc') throw invalid('role with oidc role_type is not allowed');
        if (!addressAllowed(role.token.token_bound_cidrs, req.remoteAddress)) throw forbidden();
        const verified = await keys.verify(f.jwt, config);
        validateJwtClaims({ claims: verified.claims, config, role, discoveredIssuer: verified.discoveredIssuer, now: clock.now() });
        return { auth: buildJwtLoginAuth(roleName, role, verified.claims) };
      },
    },
  });
}
