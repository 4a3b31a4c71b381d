// src/auth/jwt — `config`: the mount's key source, issuer binding and OIDC client settings.
// A write replaces the whole config (Vault's rule, so a field left out returns to its
// default) after checking that exactly one key source is set and, for a JWKS or discovery
// URL, that it can be fetched now. oidc_client_secret is write-only.
import { X509Certificate } from 'node:crypto';
import { field } from '../../framework/field.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { ArcaError } from '../../lib/errors.js';
import { jwtConfigResponse, readJwtConfig, SUPPORTED_ALGS, writeJwtConfig } from './jwt-config-store.js';
import type { JwtAlg, JwtConfig } from './jwt-config-store.js';
import { parseHttpUrl } from './jwt-fetch.js';
import type { JwtKeySource } from './jwt-key-source.js';

const MAX_PEM_KEYS = 100;

const fields = {
  oidc_discovery_url: field.string().default('', 'OIDC discovery URL, without the .well-known part.'),
  oidc_discovery_ca_pem: field.string().default('', 'PEM CA certificates trusted for the discovery URL.'),
  oidc_client_id: field.string().default('', 'OAuth client id (OIDC browser flow).'),
  oidc_client_secret: field.string().default('', 'OAuth client secret (write-only).'),
  oidc_response_mode: field.enum(['', 'query', 'form_post'] as const).default('', 'OIDC response mode.'),
  oidc_response_types: field.strings().default([], 'OIDC response types: code, id_token.'),
  jwks_url: field.string().default('', 'JWKS URL the token signatures are verified against.'),
  jwks_ca_pem: field.string().default('', 'PEM CA certificates trusted for the JWKS URL.'),
  jwt_validation_pubkeys: field.strings().default([], 'PEM public keys the token signatures are verified against.'),
  jwt_supported_algs: field.strings().default([], 'Accepted signing algorithms (default RS256).'),
  bound_issuer: field.string().default('', 'The iss claim every token must carry.'),
  default_role: field.string().default('', 'Role used when a login names none.'),
  namespace_in_state: field.bool().default(true, 'Kept for Vault compatibility.'),
  provider_config: field.map().default({}, 'Provider-specific settings (OIDC).'),
};

const invalid = (message: string): ArcaError => new ArcaError('invalid_request', message);

function checkCaPem(pem: string, fieldName: string): void {
  if (pem === '') return;
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw invalid(`"${fieldName}" contains no PEM certificate`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw invalid(`"${fieldName}" contains an invalid certificate`);
    }
  }
}

function checkAlgs(list: readonly string[]): JwtAlg[] {
  for (const alg of list) {
    if (!(SUPPORTED_ALGS as readonly string[]).includes(alg)) throw invalid(`unsupported signing algorithm in "jwt_supported_algs": ${JSON.stringify(alg.slice(0, 32))}`);
  }
  return list as JwtAlg[];
}

/** Vault's config validation, minus the network check. */
export function validateJwtConfig(config: JwtConfig): void {
  const sources = [config.oidc_discovery_url !== '', config.jwks_url !== '', config.jwt_validation_pubkeys.length > 0];
  if (sources.filter(Boolean).length !== 1) {
    throw invalid("exactly one of 'jwt_validation_pubkeys', 'jwks_url' or 'oidc_discovery_url' must be set");
  }
  if ((config.oidc_client_id === '') !== (config.oidc_client_secret === '')) {
    throw invalid("both 'oidc_client_id' and 'oidc_client_secret' must be set for OIDC");
  }
  if (config.oidc_discovery_url !== '') parseHttpUrl(config.oidc_discovery_url, 'oidc_discovery_url');
  if (config.jwks_url !== '') parseHttpUrl(config.jwks_url, 'jwks_url');
  if (config.jwt_validation_pubkeys.length > MAX_PEM_KEYS) throw invalid(`at most ${MAX_PEM_KEYS} "jwt_validation_pubkeys" are accepted`);
  checkCaPem(config.oidc_discovery_ca_pem, 'oidc_discovery_ca_pem');
  checkCaPem(config.jwks_ca_pem, 'jwks_ca_pem');
  for (const t of config.oidc_response_types) {
    if (t !== 'code' && t !== 'id_token') throw invalid(`invalid response type in "oidc_response_types": ${JSON.stringify(t.slice(0, 32))}`);
  }
  if (config.oidc_response_types.includes('id_token') && config.oidc_response_mode !== 'form_post') {
    throw invalid("'id_token' response type requires 'form_post' response mode");
  }
}

export function pathConfig(keys: JwtKeySource): AnyPathSpec {
  return definePath({
    pattern: 'config',
    fields,
    summary: 'Configure the JWT/OIDC key source and issuer.',
    existenceCheck: async ({ storage }) => (await readJwtConfig(storage)) !== undefined,
    operations: {
      read: async ({ storage }) => {
        const config = await readJwtConfig(storage);
        return config === undefined ? undefined : { data: jwtConfigResponse(config) };
      },
      update: async ({ fields: f, storage }) => {
        const config: JwtConfig = {
          ...f,
          oidc_discovery_url: f.oidc_discovery_url.trim(),
          jwks_url: f.jwks_url.trim(),
          jwt_validation_pubkeys: f.jwt_validation_pubkeys.filter((k) => k !== ''),
          jwt_supported_algs: checkAlgs(f.jwt_supported_algs),
        };
        validateJwtConfig(config);
        await keys.check(config);
        await writeJwtConfig(storage, config);
        return undefined;
      },
    },
  });
}
