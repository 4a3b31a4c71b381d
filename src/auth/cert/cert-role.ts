// src/auth/cert — a trusted certificate role (`certs/<name>`) as stored and as read back.
// Stored as JSON under `cert/<name>` of the mount (Vault's layout); the token_* fields are
// the shared TokenParams. OCSP settings are answered with their (disabled) defaults.
import { DEFAULT_TOKEN_PARAMS, tokenParamsResponse } from '../token-fields.js';
import type { TokenParams } from '../token-fields.js';
import type { StorageView } from '../../storage/storage-view.js';

export const ROLE_PREFIX = 'cert/';

export interface CertRole {
  readonly name: string;
  /** PEM: CA certificate(s) to chain up to, or a non-CA certificate to pin. */
  readonly certificate: string;
  readonly display_name: string;
  readonly allowed_names: readonly string[];
  readonly allowed_common_names: readonly string[];
  readonly allowed_dns_sans: readonly string[];
  readonly allowed_email_sans: readonly string[];
  readonly allowed_uri_sans: readonly string[];
  readonly allowed_organizational_units: readonly string[];
  /** "oid:glob" or "hex:oid:glob". */
  readonly required_extensions: readonly string[];
  /** OIDs whose string values are copied into the token metadata (dots become dashes). */
  readonly allowed_metadata_extensions: readonly string[];
  readonly token: TokenParams;
}

export function emptyRole(name: string): CertRole {
  return {
    name,
    certificate: '',
    display_name: name,
    allowed_names: [],
    allowed_common_names: [],
    allowed_dns_sans: [],
    allowed_email_sans: [],
    allowed_uri_sans: [],
    allowed_organizational_units: [],
    required_extensions: [],
    allowed_metadata_extensions: [],
    token: DEFAULT_TOKEN_PARAMS,
  };
}

export function readRole(storage: StorageView, name: string): Promise<CertRole | undefined> {
  return storage.getJson<CertRole>(ROLE_PREFIX + name);
}

export function writeRole(storage: StorageView, role: CertRole): Promise<void> {
  return storage.putJson(ROLE_PREFIX + role.name, role);
}

/** Role names in storage order (sorted), which is also the order login tries them in. */
export function listRoles(storage: StorageView): Promise<string[]> {
  return storage.list(ROLE_PREFIX);
}

/** The `data` of a read of `certs/<name>`, field for field as Vault answers. */
export function roleResponse(role: CertRole): Record<string, unknown> {
  return {
    certificate: role.certificate,
    display_name: role.display_name,
    allowed_names: [...role.allowed_names],
    allowed_common_names: [...role.allowed_common_names],
    allowed_dns_sans: [...role.allowed_dns_sans],
    allowed_email_sans: [...role.allowed_email_sans],
    allowed_uri_sans: [...role.allowed_uri_sans],
    allowed_organizational_units: [...role.allowed_organizational_units],
    required_extensions: [...role.required_extensions],
    allowed_metadata_extensions: [...role.allowed_metadata_extensions],
    ocsp_enabled: false,
    ocsp_ca_certificates: '',
    ocsp_servers_override: [],
    ocsp_fail_open: false,
    ocsp_query_all_servers: false,
    ...tokenParamsResponse(role.token),
  };
}
