// src/auth/jwt — Arca as an OpenID Connect relying party of one provider: discovery
// (`/.well-known/openid-configuration`, cached), the authorization URL, the code exchange
// at the token endpoint (with the PKCE verifier and the client secret), ID token
// verification with jose against the provider's JWKS (cached, refetched once on an unknown
// key id), and the userinfo endpoint. Time comes from the injected Clock, never Date.now().
// Nothing here logs or echoes a code, token or client secret.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { JSONWebKeySet, JWTPayload } from 'jose';
import type { Clock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import { oidcHttp } from './oidc-http.js';
import { allowedAlgs } from './jwt-config-store.js';
import type { JwtConfig } from './jwt-config-store.js';

export interface OidcDiscovery {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
  readonly userinfoEndpoint: string;
  readonly tokenAuthMethods: readonly string[];
}

export interface VerifyOptions {
  readonly nonce: string;
  /** Seconds of clock skew tolerated on exp/nbf/iat. */
  readonly clockSkewLeeway: number;
  /** Seconds; when > 0 the authentication (auth_time) must be at most this old. */
  readonly maxAge: number;
}

/** How long a discovery document or JWKS is trusted before it is fetched again. */
const CACHE_MS = 60 * 60 * 1000;
/** A JWKS refetch triggered by an unknown key id happens at most this often. */
const REFETCH_MIN_MS = 10_000;

const providerError = (what: string): ArcaError => new ArcaError('invalid_request', `OIDC provider error: ${what}`);

function text(doc: Readonly<Record<string, unknown>>, key: string): string {
  const v = doc[key];
  return typeof v === 'string' ? v : '';
}

export class OidcProviderClient {
  private discovery: { doc: OidcDiscovery; at: number } | undefined;
  private jwks: { set: ReturnType<typeof createLocalJWKSet>; at: number } | undefined;

  constructor(
    private readonly config: JwtConfig,
    private readonly clock: Clock,
  ) {}

  /** True when this client was built for the same provider settings. */
  matches(config: JwtConfig): boolean {
    return (
      config.oidc_discovery_url === this.config.oidc_discovery_url &&
      config.oidc_discovery_ca_pem === this.config.oidc_discovery_ca_pem &&
      config.oidc_client_id === this.config.oidc_client_id &&
      config.oidc_client_secret === this.config.oidc_client_secret &&
      allowedAlgs(config).join(',') === allowedAlgs(this.config).join(',')
    );
  }

  async discover(): Promise<OidcDiscovery> {
    const now = this.clock.now();
    if (this.discovery && now - this.discovery.at < CACHE_MS) return this.discovery.doc;
    const base = this.config.oidc_discovery_url.replace(/\/+$/, '');
    const res = await oidcHttp(`${base}/.well-known/openid-configuration`, { caPem: this.config.oidc_discovery_ca_pem });
    if (res.status !== 200 || typeof res.json !== 'object' || res.json === null) throw providerError('discovery document unavailable');
    const raw = res.json as Readonly<Record<string, unknown>>;
    const doc: OidcDiscovery = {
      issuer: text(raw, 'issuer'),
      authorizationEndpoint: text(raw, 'authorization_endpoint'),
      tokenEndpoint: text(raw, 'token_endpoint'),
      jwksUri: text(raw, 'jwks_uri'),
      userinfoEndpoint: text(raw, 'userinfo_endpoint'),
      tokenAuthMethods: Array.isArray(raw['token_endpoint_auth_methods_supported'])
        ? raw['token_endpoint_auth_methods_supported'].filter((m): m is string => typeof m === 'string')
        : [],
    };
    // As go-oidc (and so Vault) does: the document must name the issuer it was fetched for.
    if (doc.issuer.replace(/\/+$/, '') !== base) throw providerError('issuer in the discovery document does not match oidc_discovery_url');
    if (!doc.authorizationEndpoint || !doc.tokenEndpoint || !doc.jwksUri) throw providerError('discovery document is missing endpoints');
    this.discovery = { doc, at: now };
    return doc;
  }

  /** The provider URL the user's browser is sent to. */
  async authUrl(params: { redirectUri: string; state: string; nonce: string; codeChallenge: string; scopes: readonly string[]; maxAge: number }): Promise<string> {
    const doc = await this.discover();
    const url = new URL(doc.authorizationEndpoint);
    const scopes = ['openid', ...params.scopes.filter((s) => s !== 'openid')];
    url.searchParams.set('client_id', this.config.oidc_client_id);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', params.redirectUri);
    url.searchParams.set('scope', scopes.join(' '));
    url.searchParams.set('state', params.state);
    url.searchParams.set('nonce', params.nonce);
    url.searchParams.set('code_challenge', params.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
    if (params.maxAge > 0) url.searchParams.set('max_age', String(params.maxAge));
    return url.toString();
  }

  /** Exchanges an authorization code; returns the ID token and access token. */
  async exchangeCode(code: string, redirectUri: string, codeVerifier: string): Promise<{ idToken: string; accessToken: string }> {
    const doc = await this.discover();
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const { oidc_client_id: id, oidc_client_secret: secret } = this.config;
    const basic = doc.tokenAuthMethods.length === 0 || doc.tokenAuthMethods.includes('client_secret_basic');
    if (secret !== '' && basic) {
      // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
      const pair = `${encodeURIComponent(id)}:${encodeURIComponent(secret)}`;
      headers['authorization'] = `Basic ${Buffer.from(pair).toString('base64')}`;
    } else {
      form.set('client_id', id);
      if (secret !== '') form.set('client_secret', secret);
    }
    const res = await oidcHttp(doc.tokenEndpoint, { method: 'POST', headers, body: form.toString(), caPem: this.config.oidc_discovery_ca_pem });
    const body = typeof res.json === 'object' && res.json !== null ? (res.json as Readonly<Record<string, unknown>>) : {};
    if (res.status !== 200) {
      const err = text(body, 'error');
      throw providerError(`code exchange failed${/^[\w.-]{1,64}$/.test(err) ? ` (${err})` : ''}`);
    }
    const idToken = text(body, 'id_token');
    if (idToken === '') throw providerError('no id_token in the token response');
    return { idToken, accessToken: text(body, 'access_token') };
  }

  /** Verifies an ID token's signature, iss, aud (= client id), azp, exp/nbf and nonce. */
  async verifyIdToken(idToken: string, opts: VerifyOptions): Promise<JWTPayload> {
    const doc = await this.discover();
    let payload: JWTPayload;
    try {
      payload = await this.verifyWithKeys(idToken, doc, opts, false);
    } catch (err) {
      if (!(err instanceof joseErrors.JWKSNoMatchingKey)) throw invalidToken(err);
      try {
        payload = await this.verifyWithKeys(idToken, doc, opts, true);
      } catch (again) {
        throw invalidToken(again);
      }
    }
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (aud.length > 1 && payload['azp'] !== this.config.oidc_client_id) throw new ArcaError('invalid_request', 'invalid ID token: azp does not match the client');
    if (typeof payload['nonce'] !== 'string' || !sameText(payload['nonce'], opts.nonce)) throw new ArcaError('invalid_request', 'invalid ID token nonce');
    if (opts.maxAge > 0) {
      // OIDC Core §3.1.2.1: with max_age the provider must send auth_time, and it must be recent.
      const authTime = payload['auth_time'];
      if (typeof authTime !== 'number' || this.clock.now() / 1000 - authTime > opts.maxAge + opts.clockSkewLeeway) {
        throw new ArcaError('invalid_request', 'invalid ID token: auth_time is missing or older than max_age');
      }
    }
    return payload;
  }

  private async verifyWithKeys(idToken: string, doc: OidcDiscovery, opts: VerifyOptions, refetch: boolean): Promise<JWTPayload> {
    const keys = await this.keys(doc, refetch);
    const result = await jwtVerify(idToken, keys, {
      issuer: doc.issuer,
      audience: this.config.oidc_client_id,
      currentDate: new Date(this.clock.now()),
      clockTolerance: opts.clockSkewLeeway,
      requiredClaims: ['sub', 'exp', 'iat'],
      algorithms: allowedAlgs(this.config),
    });
    return result.payload;
  }

  private async keys(doc: OidcDiscovery, refetch: boolean): Promise<ReturnType<typeof createLocalJWKSet>> {
    const now = this.clock.now();
    const age = this.jwks ? now - this.jwks.at : Number.POSITIVE_INFINITY;
    if (this.jwks && age < CACHE_MS && (!refetch || age < REFETCH_MIN_MS)) return this.jwks.set;
    const res = await oidcHttp(doc.jwksUri, { caPem: this.config.oidc_discovery_ca_pem });
    const body = res.json as { keys?: unknown } | undefined;
    if (res.status !== 200 || !Array.isArray(body?.keys)) throw providerError('JWKS unavailable');
    const set = createLocalJWKSet(body as JSONWebKeySet);
    this.jwks = { set, at: now };
    return set;
  }

  /** Claims from the userinfo endpoint for this subject; empty when unavailable (best effort, as Vault). */
  async userinfo(accessToken: string, subject: string): Promise<Record<string, unknown>> {
    const doc = await this.discover();
    if (doc.userinfoEndpoint === '' || accessToken === '') return {};
    const res = await oidcHttp(doc.userinfoEndpoint, { headers: { authorization: `Bearer ${accessToken}` }, caPem: this.config.oidc_discovery_ca_pem });
    const body = res.json;
    if (res.status !== 200 || typeof body !== 'object' || body === null || Array.isArray(body)) return {};
    const claims = body as Record<string, unknown>;
    // OIDC Core §5.3.2: a userinfo answer for another subject must not be used.
    return claims['sub'] === subject ? claims : {};
  }
}

/** Constant-time equality of two strings (compared as equal-length SHA-256 digests). */
export function sameText(a: string, b: string): boolean {
  const digest = (x: string): Buffer => createHash('sha256').update(x, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

function invalidToken(err: unknown): ArcaError {
  if (err instanceof ArcaError) return err;
  const code = err instanceof joseErrors.JOSEError ? err.code : 'ERR_UNKNOWN';
  const reason = code === 'ERR_JWT_EXPIRED' ? 'token is expired' : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && err instanceof joseErrors.JWTClaimValidationFailed ? `claim "${err.claim}" is invalid` : 'signature or format is invalid';
  return new ArcaError('invalid_request', `invalid ID token: ${reason}`);
}
