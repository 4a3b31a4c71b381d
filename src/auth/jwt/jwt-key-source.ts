// src/auth/jwt — verifies a JWT's signature against the mount's configured key source and
// returns its claims. One instance per mount (created with the backend), holding the fetched
// JWKS: static PEM keys need no cache; a JWKS (from jwks_url, or the jwks_uri of the OIDC
// discovery document) is cached for an hour and refetched at once when a token names an
// unknown `kid` (key rotation), at most once per REFETCH_INTERVAL_MS so forged kids cannot
// make the server hammer the provider. The cache is keyed by the source's settings, so a
// config write (on any node) is picked up by the next login; nothing authoritative is cached.
import { createPublicKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { compactVerify, createLocalJWKSet, errors } from 'jose';
import type { JSONWebKeySet } from 'jose';
import type { Clock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import { allowedAlgs, keySourceKind } from './jwt-config-store.js';
import type { JwtConfig } from './jwt-config-store.js';
import { fetchJson } from './jwt-fetch.js';

export const JWKS_MAX_AGE_MS = 60 * 60 * 1000;
export const REFETCH_INTERVAL_MS = 10_000;
const MAX_TOKEN_LENGTH = 64 * 1024;

type VerifyKey = Parameters<typeof compactVerify>[1];

interface CachedKeys {
  readonly key: string;
  readonly set: ReturnType<typeof createLocalJWKSet>;
  /** The issuer named by the discovery document (discovery sources only). */
  readonly issuer: string | undefined;
  readonly fetchedAt: number;
}

export interface VerifiedToken {
  readonly claims: Record<string, unknown>;
  /** With OIDC discovery: the provider's issuer, which `iss` must equal. */
  readonly discoveredIssuer: string | undefined;
}

const invalid = (message: string): ArcaError => new ArcaError('invalid_request', message);

/** Parses PEM public keys or certificates (jwt_validation_pubkeys); 400 naming the index on failure. */
export function parsePublicKeys(pems: readonly string[]): KeyObject[] {
  return pems.map((pem, i) => {
    // createPublicKey would derive a public key from a private one; a private key must never
    // be stored in a config that reads return.
    if (pem.includes('PRIVATE KEY')) throw invalid(`"jwt_validation_pubkeys" at index ${i} is a private key; give the public key`);
    try {
      return pem.includes('CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
    } catch {
      throw invalid(`error parsing public key at index ${i} of "jwt_validation_pubkeys"`);
    }
  });
}

export class JwtKeySource {
  private cached: CachedKeys | undefined;
  private inflight: { readonly key: string; readonly promise: Promise<CachedKeys> } | undefined;
  private lastForcedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly clock: Clock) {}

  /** Fetches the configured JWKS/discovery once (config writes call this to fail early). */
  async check(config: JwtConfig): Promise<void> {
    if (keySourceKind(config) === 'pubkeys') parsePublicKeys(config.jwt_validation_pubkeys);
    else await this.load(config, true);
  }

  async verify(token: string, config: JwtConfig): Promise<VerifiedToken> {
    if (token.length > MAX_TOKEN_LENGTH) throw invalid('error parsing token: token too large');
    const algorithms = allowedAlgs(config);
    if (keySourceKind(config) === 'pubkeys') {
      for (const key of parsePublicKeys(config.jwt_validation_pubkeys)) {
        const payload = await tryVerify(token, key, algorithms);
        if (payload) return { claims: payload, discoveredIssuer: undefined };
      }
      throw invalid('error verifying token signature: no known key successfully validated the token signature');
    }
    let keys = await this.load(config, false);
    try {
      return { claims: await verifyWithSet(token, keys, algorithms), discoveredIssuer: keys.issuer };
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || !this.mayRefetch()) throw mapJoseError(err);
    }
    keys = await this.load(config, true);
    try {
      return { claims: await verifyWithSet(token, keys, algorithms), discoveredIssuer: keys.issuer };
    } catch (err) {
      throw mapJoseError(err);
    }
  }

  private mayRefetch(): boolean {
    const now = this.clock.now();
    if (now - this.lastForcedAt < REFETCH_INTERVAL_MS) return false;
    this.lastForcedAt = now;
    return true;
  }

  private async load(config: JwtConfig, force: boolean): Promise<CachedKeys> {
    const key = sourceKey(config);
    const now = this.clock.now();
    const c = this.cached;
    if (!force && c?.key === key && now - c.fetchedAt < JWKS_MAX_AGE_MS) return c;
    if (this.inflight?.key === key) return this.inflight.promise;
    const promise = fetchKeys(config, now).finally(() => {
      if (this.inflight?.promise === promise) this.inflight = undefined;
    });
    this.inflight = { key, promise };
    this.cached = await promise;
    return this.cached;
  }
}

function sourceKey(config: JwtConfig): string {
  return keySourceKind(config) === 'discovery'
    ? JSON.stringify(['discovery', config.oidc_discovery_url, config.oidc_discovery_ca_pem])
    : JSON.stringify(['jwks', config.jwks_url, config.jwks_ca_pem]);
}

async function fetchKeys(config: JwtConfig, now: number): Promise<CachedKeys> {
  let jwksUrl = config.jwks_url;
  let ca = config.jwks_ca_pem;
  let issuer: string | undefined;
  if (keySourceKind(config) === 'discovery') {
    ca = config.oidc_discovery_ca_pem;
    const base = config.oidc_discovery_url.replace(/\/+$/, '');
    const doc = await fetchJson(`${base}/.well-known/openid-configuration`, ca, 'the OIDC discovery document');
    const d = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : {};
    if (typeof d['issuer'] !== 'string' || typeof d['jwks_uri'] !== 'string') {
      throw invalid('error fetching the OIDC discovery document: "issuer" or "jwks_uri" is missing');
    }
    if (d['issuer'].replace(/\/+$/, '') !== base) {
      throw invalid('error checking the OIDC discovery document: its issuer does not match "oidc_discovery_url"');
    }
    issuer = d['issuer'];
    jwksUrl = d['jwks_uri'];
  }
  const jwks = await fetchJson(jwksUrl, ca, 'the JWKS');
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    throw invalid('error fetching the JWKS: the document has no "keys" list');
  }
  let set: CachedKeys['set'];
  try {
    set = createLocalJWKSet(jwks as JSONWebKeySet);
  } catch {
    throw invalid('error fetching the JWKS: the document is not a valid JWKS');
  }
  return { key: sourceKey(config), set, issuer, fetchedAt: now };
}

async function verifyWithSet(token: string, keys: CachedKeys, algorithms: string[]): Promise<Record<string, unknown>> {
  try {
    return decodePayload((await compactVerify(token, keys.set, { algorithms })).payload);
  } catch (err) {
    // Several keys without a distinguishing kid: try each of them.
    if (!(err instanceof errors.JWKSMultipleMatchingKeys)) throw err;
    for await (const key of err as unknown as AsyncIterable<VerifyKey>) {
      const payload = await tryVerify(token, key, algorithms);
      if (payload) return payload;
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/** The claims when `key` verifies the token; undefined on a bad signature; throws otherwise. */
async function tryVerify(token: string, key: VerifyKey, algorithms: string[]): Promise<Record<string, unknown> | undefined> {
  try {
    return decodePayload((await compactVerify(token, key, { algorithms })).payload);
  } catch (err) {
    if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof TypeError || err instanceof errors.JOSENotSupported) {
      return undefined; // wrong key (or a key of another type) for this token
    }
    throw mapJoseError(err);
  }
}

function decodePayload(payload: Uint8Array): Record<string, unknown> {
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw invalid('error parsing token: the payload is not a JSON object');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw invalid('error parsing token: the payload is not a JSON object');
  }
  return claims as Record<string, unknown>;
}

/** jose's failures as 400s that never quote the token. */
function mapJoseError(err: unknown): unknown {
  if (err instanceof ArcaError) return err;
  if (err instanceof errors.JOSEAlgNotAllowed) return invalid('error verifying token signature: signing algorithm not allowed');
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWSSignatureVerificationFailed) {
    return invalid('error verifying token signature: no known key successfully validated the token signature');
  }
  if (err instanceof errors.JOSEError) return invalid('error parsing token: not a valid signed JWT');
  return err;
}
