// src/http — the one place Vault's JSON envelope and error body are produced.
// Success: {request_id, lease_id, renewable, lease_duration, data, wrap_info, warnings,
// auth, mount_type}; an empty success is 204. Errors: {"errors":[...]} with the status
// from ERROR_STATUS. Every answer carries Cache-Control: no-store.
import { ArcaError, isArcaError } from '../lib/errors.js';
import type { CoreResponse } from '../core/core-response.js';
import type { HttpOutput } from './http-exchange.js';
import { isShared } from '../lib/shared-value.js';

const BASE_HEADERS = { 'cache-control': 'no-store' } as const;
const JSON_HEADERS = { ...BASE_HEADERS, 'content-type': 'application/json' } as const;

/**
 * `topLevelData`: also write each data key at the top level of the body, before the
 * envelope (see top-level-data-routes.ts); never for a wrapped answer, whose data is null.
 */
export function renderSuccess(requestId: string, res: CoreResponse | undefined, options: { readonly topLevelData?: boolean } = {}): HttpOutput {
  if (res?.raw) {
    return { status: res.status ?? 200, headers: { ...BASE_HEADERS, 'content-type': res.raw.contentType }, body: res.raw.body };
  }
  const empty = !res || (res.data === undefined && !res.auth && !res.wrapInfo && !res.leaseId && (res.warnings?.length ?? 0) === 0);
  if (empty) {
    if (res?.status !== undefined && res.status !== 204) return { status: res.status, headers: JSON_HEADERS, body: '' };
    return { status: 204, headers: BASE_HEADERS, body: '' };
  }
  const data = res.wrapInfo ? null : (res.data ?? null);
  // The envelope is written field by field, in Vault's order, so a shared `data` value (a KV
  // read answered from cache, see lib/shared-value.ts) is serialised once, not per request.
  const body =
    `{${options.topLevelData === true && data !== null ? topLevelText(data) : ''}` +
    `"request_id":${JSON.stringify(requestId)},"lease_id":${JSON.stringify(res.leaseId ?? '')},` +
    `"renewable":${JSON.stringify(res.renewable ?? false)},"lease_duration":${JSON.stringify(res.leaseDuration ?? 0)},` +
    `"data":${dataText(data)},"wrap_info":${JSON.stringify(res.wrapInfo ?? null)},` +
    `"warnings":${res.warnings && res.warnings.length > 0 ? JSON.stringify(res.warnings) : 'null'},` +
    `"auth":${res.wrapInfo ? 'null' : JSON.stringify(res.auth ?? null)},"mount_type":${JSON.stringify(res.mountType ?? '')}}`;
  return { status: res.status ?? 200, headers: JSON_HEADERS, body };
}

/** `"key":value,` for each data key (Vault's HTTPSysInjector). */
function topLevelText(data: Readonly<Record<string, unknown>>): string {
  let text = '';
  for (const [key, value] of Object.entries(data)) text += `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'},`;
  return text;
}

const sharedTexts = new WeakMap<object, string>();

/** JSON of a response's data; a shared value's text is remembered by identity. */
function dataText(data: unknown): string {
  if (!isShared(data)) return JSON.stringify(data) ?? 'null';
  let text = sharedTexts.get(data);
  if (text === undefined) {
    text = JSON.stringify(data) ?? 'null';
    sharedTexts.set(data, text);
  }
  return text;
}

/**
 * Renders any thrown value; unexpected errors become a generic 500 with no detail. An error
 * that carries `data` (KV v2's deleted version) is answered as Vault does: the full envelope
 * with that data and the error's status, and `errors` only when there is a message.
 */
export function renderError(err: unknown, requestId = ''): HttpOutput {
  const e = isArcaError(err) ? err : new ArcaError('internal', 'internal error');
  if (e.data) {
    const envelope = { ...emptyEnvelope(requestId), data: e.data, ...(e.errors.length > 0 ? { errors: e.errors } : {}) };
    return { status: e.status, headers: JSON_HEADERS, body: JSON.stringify(envelope) };
  }
  return { status: e.status, headers: JSON_HEADERS, body: JSON.stringify({ errors: e.errors }) };
}

function emptyEnvelope(requestId: string): Record<string, unknown> {
  return { request_id: requestId, lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null, auth: null, mount_type: '' };
}
