// src/audit — turns a raw AuditEntry into what a device may write. Secret-bearing strings
// become `hmac-sha256:<hex>` (see audit-hmac.ts); structural fields an operator needs to
// read the log (path, operation, id, remote_address, policies, display_name, mount_type,
// time, status, error, lease_id) stay clear, as in Vault. Map keys stay clear; inside
// request/response `data` every string is hashed, recursively through arrays and objects,
// while numbers, booleans and null are kept as they are. The input is never mutated.
import type {
  AuditAuth,
  AuditEntry,
  AuditRequest,
  AuditResponse,
  AuditResponseAuth,
  AuditWrapInfo,
} from './audit-entry.js';
import { auditHmac } from './audit-hmac.js';

export interface AuditHashOptions {
  /** Vault's `hmac_accessor` (default true): false writes token accessors in clear. */
  readonly hmacAccessor?: boolean;
  /** Vault's `log_raw` (default false): true writes every value in clear. Dangerous. */
  readonly logRaw?: boolean;
  /**
   * Vault's `elide_list_responses` (default false): for `list` operations, the response's
   * `keys` array and `key_info` map are replaced by their sizes, keeping huge listings short.
   */
  readonly elideListResponses?: boolean;
}

type Hasher = (value: string) => string;

/** Returns a copy of `entry` with every secret-bearing string HMAC'd with `hmacKey`. */
export function hashAuditEntry(entry: AuditEntry, hmacKey: Uint8Array, options: AuditHashOptions = {}): AuditEntry {
  if (options.elideListResponses === true) entry = elideListResponse(entry);
  if (options.logRaw === true) return structuredClone(entry);
  const h: Hasher = (value) => auditHmac(hmacKey, value);
  const acc: Hasher = options.hmacAccessor === false ? (value) => value : h;
  return withDefined<AuditEntry>({
    type: entry.type,
    time: entry.time,
    auth: entry.auth === undefined ? undefined : hashAuth(entry.auth, h, acc),
    request: hashRequest(entry.request, h, acc),
    response: entry.response === undefined ? undefined : hashResponse(entry.response, h, acc),
    error: entry.error,
  });
}

function hashAuth(auth: AuditAuth, h: Hasher, acc: Hasher): AuditAuth {
  return {
    ...structuredClone(auth),
    client_token: hashNonEmpty(auth.client_token, h),
    accessor: hashNonEmpty(auth.accessor, acc),
  };
}

function hashRequest(req: AuditRequest, h: Hasher, acc: Hasher): AuditRequest {
  const { data, headers, ...rest } = req;
  return withDefined<AuditRequest>({
    ...structuredClone(rest),
    client_token: hashNonEmpty(req.client_token, h),
    client_token_accessor: hashNonEmpty(req.client_token_accessor, acc),
    data: data === undefined ? undefined : hashValue(data, h, new WeakSet()),
    headers: headers === undefined ? undefined : hashHeaders(headers, h),
  });
}

function hashResponse(res: AuditResponse, h: Hasher, acc: Hasher): AuditResponse {
  const { data, headers, auth, wrap_info, ...rest } = res;
  return withDefined<AuditResponse>({
    ...structuredClone(rest),
    data: data === undefined ? undefined : hashValue(data, h, new WeakSet()),
    auth: auth === undefined ? undefined : hashResponseAuth(auth, h, acc),
    wrap_info: wrap_info === undefined ? undefined : hashWrapInfo(wrap_info, h, acc),
    headers: headers === undefined ? undefined : hashHeaders(headers, h),
  });
}

function hashResponseAuth(auth: AuditResponseAuth, h: Hasher, acc: Hasher): AuditResponseAuth {
  return {
    ...structuredClone(auth),
    client_token: hashNonEmpty(auth.client_token, h),
    accessor: hashNonEmpty(auth.accessor, acc),
  };
}

function hashWrapInfo(info: AuditWrapInfo, h: Hasher, acc: Hasher): AuditWrapInfo {
  return withDefined<AuditWrapInfo>({
    ...info,
    token: hashNonEmpty(info.token, h),
    accessor: hashNonEmpty(info.accessor, acc),
    wrapped_accessor: info.wrapped_accessor === undefined ? undefined : hashNonEmpty(info.wrapped_accessor, acc),
  });
}

/** Header names are kept; every value is hashed (the core passes only audited headers). */
function hashHeaders(
  headers: Readonly<Record<string, readonly string[]>>,
  h: Hasher,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers)) out[name] = values.map(h);
  return out;
}

/** An empty token means "none" (e.g. unauthenticated sys/health); hashing it would mislead. */
function hashNonEmpty(value: string, h: Hasher): string {
  return value === '' ? '' : h(value);
}

/**
 * Hashes every string reachable from `value`. Request and response bodies are JSON, but
 * anything else is handled safely: objects with toJSON are hashed as they would serialise,
 * bigints become hashed decimal strings, cycles become a marker rather than recursing.
 */
function hashValue(value: unknown, h: Hasher, seen: WeakSet<object>): unknown {
  switch (typeof value) {
    case 'string':
      return h(value);
    case 'bigint':
      return h(value.toString());
    case 'number':
    case 'boolean':
      return value;
    case 'object':
      return value === null ? null : hashObject(value, h, seen);
    default:
      return undefined;
  }
}

function hashObject(value: object, h: Hasher, seen: WeakSet<object>): unknown {
  if (seen.has(value)) return '[circular]';
  if (value instanceof Uint8Array) return h(Buffer.from(value).toString('base64'));
  const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return hashValue(toJSON.call(value), h, seen);
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item: unknown) => hashValue(item, h, seen) ?? null);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const hashed = hashValue(item, h, seen);
      // defineProperty: a JSON body may carry an own "__proto__" key, which `=` would drop.
      if (hashed !== undefined) Object.defineProperty(out, key, { value: hashed, enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function elideListResponse(entry: AuditEntry): AuditEntry {
  const data = entry.response?.data;
  if (entry.request.operation !== 'list' || entry.response === undefined) return entry;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return entry;
  const elided: Record<string, unknown> = { ...data };
  if (Array.isArray(elided['keys'])) elided['keys'] = elided['keys'].length;
  const keyInfo = elided['key_info'];
  if (typeof keyInfo === 'object' && keyInfo !== null) elided['key_info'] = Object.keys(keyInfo).length;
  return { ...entry, response: { ...entry.response, data: elided } };
}

/** Drops keys whose value is undefined, so optional fields are absent rather than undefined. */
function withDefined<T extends object>(obj: { [K in keyof T]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) if (value !== undefined) out[key] = value;
  return out as T;
}
