// src/audit — turns a raw AuditEntry into what a device may write. Secret-bearing strings
// become `hmac-sha256:<hex>` (see audit-hmac.ts); structural fields an operator needs to
// read the log (path, operation, id, remote_address, policies, display_name, mount_type,
// time, status, error, lease_id) stay clear, as in Vault. Map keys stay clear; inside
// request/response `data` every string is hashed, recursively through arrays and objects,
// while numbers, booleans and null are kept as they are. The input is never mutated.
// Exceptions (entry.nonHmac, see audit-entry.ts): a mount's audit_non_hmac_*_keys leave the
// whole value of those top-level data keys clear, and audited headers configured with
// hmac=false are written clear, except x-vault-token and authorization, which are always
// hashed whatever an entry says.
import type {
  AuditAuth,
  AuditEntry,
  AuditNonHmac,
  AuditRequest,
  AuditResponse,
  AuditResponseAuth,
  AuditWrapInfo,
} from './audit-entry.js';
import { AuditHasher } from './audit-hasher.js';

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

/**
 * The three ways a record's strings are written: `h` for data, `id` for the caller's token
 * (served from the device's identifier cache), `acc` for accessors (`id`, or clear with
 * hmac_accessor=false). With log_raw all three are the identity.
 */
export interface EntryHashers {
  readonly h: Hasher;
  readonly id: Hasher;
  readonly acc: Hasher;
}

const keep: Hasher = (value) => value;

export function entryHashers(hasher: AuditHasher, options: AuditHashOptions): EntryHashers {
  if (options.logRaw === true) return { h: keep, id: keep, acc: keep };
  const id: Hasher = (value) => hasher.hashIdentifier(value);
  return { h: (value) => hasher.hash(value), id, acc: options.hmacAccessor === false ? keep : id };
}

/**
 * Returns a copy of `entry` with every secret-bearing string HMAC'd with the device key:
 * `hmacKey` itself, or a device's AuditHasher, whose identifier cache then serves the
 * caller's token and accessors.
 */
export function hashAuditEntry(entry: AuditEntry, hmacKey: Uint8Array | AuditHasher, options: AuditHashOptions = {}): AuditEntry {
  if (options.elideListResponses === true) entry = elideListResponse(entry);
  if (options.logRaw === true) {
    // nonHmac and authToken are instructions to the hasher, not part of the record.
    const { nonHmac: _nonHmac, authToken, ...record } = entry;
    return structuredClone(record.auth === undefined ? record : { ...record, auth: authWithToken(record.auth, authToken) });
  }
  const hasher = hmacKey instanceof AuditHasher ? hmacKey : new AuditHasher(hmacKey, 0);
  const hs = entryHashers(hasher, options);
  return withDefined<AuditEntry>({
    type: entry.type,
    time: entry.time,
    auth: entry.auth === undefined ? undefined : hashAuth(authWithToken(entry.auth, entry.authToken), hs),
    request: hashRequest(entry.request, hs, entry.nonHmac),
    response: entry.response === undefined ? undefined : hashResponse(entry.response, hs, entry.nonHmac),
    error: entry.error,
  });
}

/** The auth block with the entry's `authToken` as its client_token (see AuditEntry.authToken). */
export function authWithToken(auth: AuditAuth, token: string | undefined): AuditAuth {
  return token === undefined ? auth : { ...auth, client_token: token };
}

// Copies are explicit rather than structuredClone (≈ 3 µs a call, several per record): the
// records' fields are primitives, string arrays and flat string maps.
export function hashAuth(auth: AuditAuth, hs: EntryHashers): AuditAuth {
  return {
    ...auth,
    policies: [...auth.policies],
    token_policies: [...auth.token_policies],
    metadata: auth.metadata === null ? null : { ...auth.metadata },
    client_token: hashNonEmpty(auth.client_token, hs.id),
    accessor: hashNonEmpty(auth.accessor, hs.acc),
  };
}

// Spread-then-override rather than `{ data, ...rest } = x`: V8 runs object rest with
// exclusions through a slow runtime copy, and this runs twice per record.

/** `id` hashes the caller's token (cached); `h` everything else in the request. */
export function hashRequest(req: AuditRequest, hs: EntryHashers, nonHmac?: AuditNonHmac): AuditRequest {
  const { h } = hs;
  return withDefined<AuditRequest>({
    ...req,
    client_token: hashNonEmpty(req.client_token, hs.id),
    client_token_accessor: hashNonEmpty(req.client_token_accessor, hs.acc),
    data: req.data === undefined ? undefined : hashData(req.data, h, nonHmac?.requestKeys),
    headers: req.headers === undefined ? undefined : hashHeaders(req.headers, h, nonHmac?.requestHeaders),
  });
}

/** `withData` false leaves `data` out (the caller has its text already, see AuditLineSerializer). */
export function hashResponse(res: AuditResponse, hs: EntryHashers, nonHmac?: AuditNonHmac, withData = true): AuditResponse {
  const { h, acc } = hs;
  return withDefined<AuditResponse>({
    ...res,
    secret: res.secret === undefined ? undefined : { lease_id: res.secret.lease_id },
    warnings: res.warnings === undefined ? undefined : [...res.warnings],
    data: res.data === undefined || !withData ? undefined : hashData(res.data, h, nonHmac?.responseKeys),
    auth: res.auth === undefined ? undefined : hashResponseAuth(res.auth, h, acc),
    wrap_info: res.wrap_info === undefined ? undefined : hashWrapInfo(res.wrap_info, h, acc),
    headers: res.headers === undefined ? undefined : hashHeaders(res.headers, h, undefined),
  });
}

function hashResponseAuth(auth: AuditResponseAuth, h: Hasher, acc: Hasher): AuditResponseAuth {
  return withDefined<AuditResponseAuth>({
    ...auth,
    policies: auth.policies === undefined ? undefined : [...auth.policies],
    token_policies: auth.token_policies === undefined ? undefined : [...auth.token_policies],
    metadata: auth.metadata === undefined || auth.metadata === null ? auth.metadata : { ...auth.metadata },
    client_token: hashNonEmpty(auth.client_token, h),
    accessor: hashNonEmpty(auth.accessor, acc),
  });
}

function hashWrapInfo(info: AuditWrapInfo, h: Hasher, acc: Hasher): AuditWrapInfo {
  return withDefined<AuditWrapInfo>({
    ...info,
    token: hashNonEmpty(info.token, h),
    accessor: hashNonEmpty(info.accessor, acc),
    wrapped_accessor: info.wrapped_accessor === undefined ? undefined : hashNonEmpty(info.wrapped_accessor, acc),
  });
}

/** Headers that carry credentials: hashed even when an entry asks for them in clear. */
const ALWAYS_HASHED_HEADERS: ReadonlySet<string> = new Set(['x-vault-token', 'authorization']);

/**
 * Header names are kept; values are hashed unless their name is in `clear` (the core passes
 * only audited headers, and names `clear` the ones configured with hmac=false).
 */
function hashHeaders(
  headers: Readonly<Record<string, readonly string[]>>,
  h: Hasher,
  clear: readonly string[] | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers)) {
    const inClear = clear !== undefined && clear.includes(name) && !ALWAYS_HASHED_HEADERS.has(name.toLowerCase());
    out[name] = inClear ? [...values] : values.map(h);
  }
  return out;
}

/**
 * A request or response body: every string hashed, except the whole value of each top-level
 * key named in `clearKeys` (Vault's audit_non_hmac_*_keys), which is copied as it would
 * serialise. A body that is not a plain object has no top-level keys to exempt.
 */
function hashData(data: unknown, h: Hasher, clearKeys: readonly string[] | undefined): unknown {
  if (clearKeys === undefined || clearKeys.length === 0) return hashValue(data, h, []);
  if (typeof data !== 'object' || data === null || Array.isArray(data) || data instanceof Uint8Array) return hashValue(data, h, []);
  if (typeof (data as { toJSON?: unknown }).toJSON === 'function') return hashValue(data, h, []);
  const seen: object[] = [data];
  return copyEntries(data, (key) => (clearKeys.includes(key) ? keep : h), seen);
}

/** A response's `data` as hashResponse writes it. */
export function hashResponseData(data: unknown, hs: EntryHashers, nonHmac?: AuditNonHmac): unknown {
  return hashData(data, hs.h, nonHmac?.responseKeys);
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
function hashValue(value: unknown, h: Hasher, seen: object[]): unknown {
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

/** `seen` holds the objects being hashed above this one (a cycle returns to one of them). */
function hashObject(value: object, h: Hasher, seen: object[]): unknown {
  // An array of ancestors, not a WeakSet: bodies are shallow (depth ≤ 64, see parse-request)
  // and a WeakSet per record costs more than scanning a few entries.
  if (seen.includes(value)) return '[circular]';
  if (value instanceof Uint8Array) return h(Buffer.from(value).toString('base64'));
  const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return hashValue(toJSON.call(value), h, seen);
  seen.push(value);
  try {
    if (Array.isArray(value)) return value.map((item: unknown) => hashValue(item, h, seen) ?? null);
    return copyEntries(value, () => h, seen);
  } finally {
    seen.pop();
  }
}

/** A copy of `value`'s own enumerable entries, each through the hasher `hasherFor` names. */
function copyEntries(value: object, hasherFor: (key: string) => Hasher, seen: object[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const hashed = hashValue(item, hasherFor(key), seen);
    if (hashed === undefined) continue;
    // A JSON body may carry an own "__proto__" key, which `=` would drop. defineProperty
    // only then: it turns the object into a slow dictionary that JSON.stringify crawls.
    if (key === '__proto__') Object.defineProperty(out, key, { value: hashed, enumerable: true, writable: true, configurable: true });
    else out[key] = hashed;
  }
  return out;
}

export function elideListResponse(entry: AuditEntry): AuditEntry {
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
  const values = obj as Record<string, unknown>;
  for (const key of Object.keys(values)) {
    const value = values[key];
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}
