// src/audit — the record the core hands the audit broker for each request and each
// response. The layout follows Vault's audit log JSON (the `file` device format): top-level
// `time`, `type`, `auth`, `request`, `response`, `error`. Values arrive RAW (real tokens,
// real secret data); devices HMAC them with `hashAuditEntry` before anything is written.
// Devices add `seq` and `prev_hash` (the hash chain) when they serialise a line.

export type AuditEntryType = 'request' | 'response';

/** The caller's token as the core resolved it (Vault's `auth` block). */
export interface AuditAuth {
  /** Raw token; HMAC'd on the way out. */
  readonly client_token: string;
  /** HMAC'd unless the device has `hmac_accessor=false`. */
  readonly accessor: string;
  readonly display_name: string;
  readonly policies: readonly string[];
  readonly token_policies: readonly string[];
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly entity_id: string;
  readonly token_type: string;
  /** Seconds. */
  readonly token_ttl: number;
  readonly token_issue_time?: string;
}

export interface AuditRequest {
  readonly id: string;
  readonly operation: string;
  readonly path: string;
  readonly mount_point?: string;
  readonly mount_type?: string;
  readonly mount_accessor?: string;
  /** Raw token; HMAC'd on the way out. */
  readonly client_token: string;
  /** HMAC'd unless the device has `hmac_accessor=false`. */
  readonly client_token_accessor: string;
  readonly remote_address: string;
  readonly remote_port?: number;
  /** The request body; every string inside is HMAC'd (but see AuditEntry.nonHmac). */
  readonly data?: unknown;
  /** Audited headers (lower-case name → values); HMAC'd unless named in AuditEntry.nonHmac. */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  /** Seconds. */
  readonly wrap_ttl?: number;
}

export interface AuditResponseAuth {
  readonly client_token: string;
  readonly accessor: string;
  readonly display_name?: string;
  readonly policies?: readonly string[];
  readonly token_policies?: readonly string[];
  readonly metadata?: Readonly<Record<string, string>> | null;
  readonly entity_id?: string;
  readonly token_type?: string;
  readonly lease_duration?: number;
  readonly renewable?: boolean;
}

export interface AuditWrapInfo {
  readonly token: string;
  readonly accessor: string;
  /** Seconds. */
  readonly ttl: number;
  readonly creation_time: string;
  readonly creation_path: string;
  readonly wrapped_accessor?: string;
}

export interface AuditResponse {
  readonly status?: number;
  readonly mount_type?: string;
  /** The response body; every string inside is HMAC'd (but see AuditEntry.nonHmac). */
  readonly data?: unknown;
  /** Lease ids are not secret (Vault logs them clear) and are needed to trace revocations. */
  readonly secret?: { readonly lease_id: string };
  readonly auth?: AuditResponseAuth;
  readonly wrap_info?: AuditWrapInfo;
  readonly warnings?: readonly string[];
  readonly headers?: Readonly<Record<string, readonly string[]>>;
}

/**
 * What a record leaves in clear although it would be HMAC'd: the mount's
 * `audit_non_hmac_request_keys` / `audit_non_hmac_response_keys` (top-level keys of
 * `request.data` / `response.data`, whose whole value is written as it is, as Vault does)
 * and the audited headers configured with `hmac=false`. Plain data, so it crosses to the
 * audit worker with the entry. Never written itself.
 */
export interface AuditNonHmac {
  readonly requestKeys?: readonly string[];
  readonly responseKeys?: readonly string[];
  /** Lower-case names of `request.headers` written clear (never x-vault-token / authorization). */
  readonly requestHeaders?: readonly string[];
}

export interface AuditEntry {
  readonly type: AuditEntryType;
  /** RFC 3339 with nanosecond digits, see `formatAuditTime`. */
  readonly time: string;
  readonly auth?: AuditAuth;
  readonly request: AuditRequest;
  readonly response?: AuditResponse;
  /** Error text shown to the caller (never contains a secret, see src/lib/errors.ts). */
  readonly error?: string;
  /**
   * Exceptions to the HMAC rules, the same for a request's two records (the serializer
   * reuses the request block's text, made with them). Not part of the written record.
   */
  readonly nonHmac?: AuditNonHmac;
  /**
   * The caller's raw token, for an `auth` block shared by every request of its token (see
   * core/audit-records.ts): such a block is kept between requests, so it carries no raw token
   * (its client_token is '') and devices take this instead (HMAC'd as auth.client_token).
   * Lives only as long as the entry. Not part of the written record.
   */
  readonly authToken?: string;
}

let lastMs = Number.NaN;
let lastText = '';

/**
 * Vault writes times as RFC 3339 with nanoseconds; milliseconds are all a Clock gives.
 * Under load many records share a millisecond, so the last one formatted is remembered.
 */
export function formatAuditTime(ms: number): string {
  if (ms === lastMs) return lastText;
  const iso = new Date(ms).toISOString();
  lastText = `${iso.slice(0, -1)}000000Z`;
  lastMs = ms;
  return lastText;
}
