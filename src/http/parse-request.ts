// src/http — turns an HttpInput into a LogicalRequest following Vault's wire conventions:
// GET/LIST/POST/PUT/PATCH/DELETE/HEAD map to operations, `?list=true` means LIST, the body
// is parsed as JSON whatever its Content-Type, GET query parameters become request data,
// and the token comes from X-Vault-Token or `Authorization: Bearer`.
import { randomUUID } from 'node:crypto';
import { ArcaError, badRequest } from '../lib/errors.js';
import { parseDuration } from '../lib/duration.js';
import type { LogicalRequest, Operation } from '../framework/logical.js';
import type { HttpInput } from './http-exchange.js';

const MAX_PATH_BYTES = 4096;
const MAX_JSON_DEPTH = 64;

export function parseRequest(input: HttpInput): LogicalRequest {
  const { path, query } = splitUrl(input.url);
  const operation = operationFor(input.method, query);
  const data = operation === 'read' || operation === 'list' ? queryData(query) : {};
  const body = parseBody(input.body);
  Object.assign(data, body);
  return {
    id: randomUUID(),
    operation,
    path,
    data,
    headers: input.headers,
    remoteAddress: input.remoteAddress,
    clientToken: tokenFrom(input.headers),
    mountPoint: '',
    mountType: '',
    mountAccessor: '',
    relativePath: '',
    auth: undefined,
    wrapTtl: wrapTtlFrom(input.headers),
    ...(input.peerCertificate === undefined ? {} : { peerCertificate: input.peerCertificate }),
  };
}

function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  if (!rawPath.startsWith('/v1/')) throw new ArcaError('not_found', 'unsupported path: only /v1/ is served');
  let path: string;
  try {
    path = decodeURIComponent(rawPath.slice(4));
  } catch {
    throw badRequest('invalid path: bad percent-encoding');
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes: only long paths need counting.
  if (path.length > MAX_PATH_BYTES / 3 && Buffer.byteLength(path) > MAX_PATH_BYTES) throw badRequest(`invalid path: longer than ${MAX_PATH_BYTES} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/u.test(path)) throw badRequest('invalid path: control characters are not allowed');
  if (path.includes('.') && path.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw badRequest('invalid path: "." and ".." segments are not allowed');
  }
  return { path: path.replace(/^\/+/, ''), query };
}

function operationFor(method: string, query: URLSearchParams): Operation {
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD':
      return isTrue(query.get('list')) ? 'list' : 'read';
    case 'LIST':
      return 'list';
    case 'POST':
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      throw new ArcaError('method_not_allowed', `unsupported method: ${method.slice(0, 16)}`);
  }
}

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function queryData(query: URLSearchParams): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [k, v] of query) if (k !== 'list') data[k] = v;
  return data;
}

function parseBody(body: Uint8Array): Record<string, unknown> {
  if (body.length === 0) return {};
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // V8's SyntaxError quotes the text around the fault, which may be a secret value: only
    // the fact is reported.
    throw badRequest('failed to parse JSON input: the body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('failed to parse JSON input: the body must be a JSON object');
  }
  if (depthExceeds(parsed, MAX_JSON_DEPTH)) throw badRequest(`failed to parse JSON input: nested deeper than ${MAX_JSON_DEPTH} levels`);
  return parsed as Record<string, unknown>;
}

/** Iterative, so a hostile body cannot overflow the stack here. */
function depthExceeds(root: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (depth > max) return true;
    if (typeof value === 'object' && value !== null) {
      for (const child of Object.values(value)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

function tokenFrom(headers: Readonly<Record<string, string>>): string {
  const direct = headers['x-vault-token'];
  if (direct) return direct.trim();
  const authz = headers['authorization'];
  if (authz && /^bearer\s+/i.test(authz)) return authz.replace(/^bearer\s+/i, '').trim();
  return '';
}

function wrapTtlFrom(headers: Readonly<Record<string, string>>): number {
  const raw = headers['x-vault-wrap-ttl'];
  if (!raw) return 0;
  const seconds = parseDuration(raw);
  if (seconds === undefined) throw badRequest('invalid X-Vault-Wrap-TTL header: expected a duration such as "5m"');
  return seconds;
}
