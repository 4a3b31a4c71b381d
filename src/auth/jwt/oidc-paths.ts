// src/auth/jwt — the OIDC authorization-code flow for people (Vault's `oidc/auth_url` and
// `oidc/callback` on a jwt/oidc mount). auth_url checks the role and redirect URI, records
// a single-use state (nonce + PKCE verifier) and answers the provider URL to open; callback
// takes that state, exchanges the code (with the verifier and client secret), verifies the
// ID token, merges userinfo claims, applies the role's bindings and returns the login's
// ResponseAuth. Both paths are unauthenticated. The jwt backend adds these paths to its table.
import type { BackendEnv } from '../../framework/backend.js';
import { field } from '../../framework/field.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { definePath } from '../../framework/path-spec.js';
import { ArcaError } from '../../lib/errors.js';
import type { ResponseAuth } from '../../framework/logical.js';
import { readJwtConfig } from './jwt-config-store.js';
import type { JwtConfig } from './jwt-config-store.js';
import { buildJwtLoginAuth } from './jwt-login-auth.js';
import { effectiveLeeways, readJwtRole, ROLE_NAME_PATTERN } from './jwt-role-store.js';
import type { JwtRole } from './jwt-role-store.js';
import { validateJwtClaims } from './jwt-validate.js';
import { OidcProviderClient, sameText } from './oidc-provider-client.js';
import { isAllowedRedirect } from './oidc-redirect.js';
import { hashClientNonce, OidcStateStore } from './oidc-state-store.js';
import type { StorageView } from '../../storage/storage-view.js';

const ROLE_NAME = new RegExp(`^${ROLE_NAME_PATTERN}$`);
const bad = (message: string): ArcaError => new ArcaError('invalid_request', message);

async function loadConfig(storage: StorageView): Promise<JwtConfig> {
  const config = await readJwtConfig(storage);
  if (!config || config.oidc_discovery_url === '' || config.oidc_client_id === '') throw bad('OIDC login is not configured for this mount');
  return config;
}

async function loadRole(storage: StorageView, name: string): Promise<JwtRole> {
  const role = name.length <= 128 && ROLE_NAME.test(name) ? await readJwtRole(storage, name) : undefined;
  if (!role) throw bad(`role "${name.slice(0, 128)}" could not be found`);
  if (role.role_type !== 'oidc') throw bad(`role "${name}" is not an OIDC role`);
  return role;
}

/** Provider-reported errors are echoed only when they look like an RFC 6749 error code. */
function providerErrorText(error: string, description: string | undefined): string {
  const code = /^[\w.-]{1,64}$/.test(error) ? error : 'error';
  const text = description !== undefined && /^[\x20-\x7e]{1,200}$/.test(description) ? `: ${description}` : '';
  return `Error from the OIDC provider: ${code}${text}`;
}

export function oidcPaths(env: BackendEnv): AnyPathSpec[] {
  const states = new OidcStateStore(env.storage, env.clock);
  let client: OidcProviderClient | undefined;
  // One relying-party client per mount, rebuilt when the config changes (any node may have written it).
  const providerFor = (config: JwtConfig): OidcProviderClient => {
    if (!client || !client.matches(config)) client = new OidcProviderClient(config, env.clock);
    return client;
  };

  const authUrl = definePath({
    pattern: 'oidc/auth_url',
    summary: 'Request an authorization URL to start an OIDC login flow.',
    unauthenticated: true,
    fields: {
      role: field.string().optional('role to log in with (default: the config default_role)'),
      redirect_uri: field.string().required('where the provider sends the browser back; must be allowed by the role'),
      client_nonce: field.string().optional('optional client-chosen nonce that the callback must repeat'),
    },
    operations: {
      update: async ({ fields, storage }) => {
        const config = await loadConfig(storage);
        const roleName = (fields.role ?? config.default_role).toLowerCase();
        if (roleName === '') throw bad('missing role');
        const role = await loadRole(storage, roleName);
        if (fields.redirect_uri.length > 2048 || !isAllowedRedirect(fields.redirect_uri, role.allowed_redirect_uris)) {
          throw bad(`unauthorized redirect_uri: ${fields.redirect_uri.slice(0, 256)}`);
        }
        const clientNonce = fields.client_nonce ?? '';
        if (clientNonce.length > 256) throw bad('client_nonce is too long');
        const provider = providerFor(config);
        await provider.discover();
        const { state, nonce, codeChallenge } = await states.create({ role: roleName, redirectUri: fields.redirect_uri, clientNonce });
        const url = await provider.authUrl({ redirectUri: fields.redirect_uri, state, nonce, codeChallenge, scopes: role.oidc_scopes, maxAge: role.max_age });
        return { data: { auth_url: url } };
      },
    },
  });

  const callbackFields = {
    state: field.string().required('the state parameter the provider sent back'),
    code: field.string().optional('the authorization code the provider sent back'),
    client_nonce: field.string().optional('the client_nonce given to auth_url, if any'),
    error: field.string().optional('an error the provider sent back instead of a code'),
    error_description: field.string().optional('the provider error description'),
  };

  const callback = definePath({
    pattern: 'oidc/callback',
    summary: 'Complete an OIDC login: exchange the code for a token.',
    unauthenticated: true,
    fields: callbackFields,
    // Keyed by the (single-use) state, not the role: every user of a role shares it, so
    // counting failures per role would let anyone lock a whole team out. This still puts
    // callbacks under the core's per-address throttle.
    loginAccount: ({ fields }) => (/^[\w-]{43}$/.test(fields.state) ? `state:${fields.state}` : undefined),
    operations: {
      read: (ctx) => completeLogin(ctx.storage, ctx.fields),
      update: (ctx) => completeLogin(ctx.storage, ctx.fields),
    },
  });

  async function completeLogin(
    storage: StorageView,
    fields: { state: string; code: string | undefined; client_nonce: string | undefined; error: string | undefined; error_description: string | undefined },
  ): Promise<{ auth: ResponseAuth }> {
    const saved = await states.take(fields.state);
    if (saved.clientNonceHash !== '' && !sameText(saved.clientNonceHash, hashClientNonce(fields.client_nonce ?? ''))) {
      throw bad('invalid client_nonce');
    }
    if (fields.error !== undefined && fields.error !== '') throw bad(providerErrorText(fields.error, fields.error_description));
    if (fields.code === undefined || fields.code === '') throw bad('OAuth code parameter not provided');
    const config = await loadConfig(storage);
    const role = await loadRole(storage, saved.role);
    const provider = providerFor(config);
    const { idToken, accessToken } = await provider.exchangeCode(fields.code, saved.redirectUri, saved.codeVerifier);
    const leeways = effectiveLeeways(role);
    const idClaims = await provider.verifyIdToken(idToken, { nonce: saved.nonce, clockSkewLeeway: leeways.clockSkew, maxAge: role.max_age });
    const sub = typeof idClaims.sub === 'string' ? idClaims.sub : '';
    // Userinfo only fills claims the ID token lacks; the signed token wins (as Vault).
    const claims = { ...(await provider.userinfo(accessToken, sub)), ...idClaims };
    const issuer = (await provider.discover()).issuer;
    validateJwtClaims({ claims, config, role, discoveredIssuer: issuer, now: env.clock.now() });
    return { auth: buildJwtLoginAuth(saved.role, role, claims) };
  }

  return [authUrl, callback];
}
