// src/auth/jwt — the mount's configuration as stored (JSON at key `config` of the mount's
// storage view). Shared read-only with the OIDC browser flow (src/auth/jwt/oidc-*), which
// imports `readJwtConfig` and the `JwtConfig` type. Exactly one key source is set:
// static PEM keys, a JWKS URL, or an OIDC discovery URL.
import type { StorageReader, StorageWriter } from '../../storage/storage.js';

export const JWT_CONFIG_KEY = 'config';

export const SUPPORTED_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA'] as const;
export type JwtAlg = (typeof SUPPORTED_ALGS)[number];

export interface JwtConfig {
  readonly oidc_discovery_url: string;
  readonly oidc_discovery_ca_pem: string;
  readonly oidc_client_id: string;
  /** Write-only: never returned by a read. */
  readonly oidc_client_secret: string;
  readonly oidc_response_mode: string;
  readonly oidc_response_types: readonly string[];
  readonly jwks_url: string;
  readonly jwks_ca_pem: string;
  readonly jwt_validation_pubkeys: readonly string[];
  /** Empty = RS256 (Vault's default). */
  readonly jwt_supported_algs: readonly JwtAlg[];
  readonly bound_issuer: string;
  readonly default_role: string;
  readonly namespace_in_state: boolean;
  readonly provider_config: Readonly<Record<string, unknown>>;
}

export type KeySourceKind = 'pubkeys' | 'jwks' | 'discovery';

/** Which key source a config uses (write validation guarantees exactly one). */
export function keySourceKind(config: JwtConfig): KeySourceKind {
  if (config.oidc_discovery_url !== '') return 'discovery';
  if (config.jwks_url !== '') return 'jwks';
  return 'pubkeys';
}

/** The algorithms a signature may use under this config. */
export function allowedAlgs(config: JwtConfig): JwtAlg[] {
  return config.jwt_supported_algs.length > 0 ? [...config.jwt_supported_algs] : ['RS256'];
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export async function readJwtConfig(storage: StorageReader): Promise<JwtConfig | undefined> {
  const raw = await storage.get(JWT_CONFIG_KEY);
  return raw === undefined ? undefined : (JSON.parse(decoder.decode(raw)) as JwtConfig);
}

export async function writeJwtConfig(storage: StorageWriter, config: JwtConfig): Promise<void> {
  await storage.put(JWT_CONFIG_KEY, encoder.encode(JSON.stringify(config)));
}

/** The config as a read answers it (no client secret). */
export function jwtConfigResponse(config: JwtConfig): Record<string, unknown> {
  const { oidc_client_secret: _secret, ...shown } = config;
  return { ...shown, oidc_response_types: [...shown.oidc_response_types], jwt_validation_pubkeys: [...shown.jwt_validation_pubkeys], jwt_supported_algs: [...shown.jwt_supported_algs] };
}
