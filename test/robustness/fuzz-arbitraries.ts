// test/robustness — fast-check generators for hostile HTTP requests against Arca's API:
// methods (Vault's verbs, unknown and malformed tokens), request targets (dot segments,
// doubled slashes, NUL raw and encoded, broken percent-encoding, long unicode, over-long
// paths, targets outside /v1/), headers (garbage tokens, wrap TTLs, content types) and
// bodies (invalid JSON, wrong types for the known fields of the KV, mounts, policy and
// token-create endpoints, deep nesting, huge strings, prototype keys).
// Contract: every generated request stays inside "fuzz" names or harmless endpoints, and
// `isDestructive` names the few a root token could use to change the world the test
// checks afterwards (seal, unmount secret/, revoke the root token, touch secret/*/keep).
import fc from 'fast-check';
import type { RawRequest } from './raw-http.js';

export const KEEP_PREFIX = 'keep';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'LIST', 'HEAD', 'OPTIONS'] as const;

const method: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...METHODS) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom('get', 'List', 'TRACE', 'PROPFIND', 'G\u0000T', 'PUT PUT', 'P\u00c9T', '', 'LIS', 'LISTX'),
      fc.stringMatching(/^[A-Z]{1,12}$/),
      fc.string({ minLength: 1, maxLength: 8 }).map((s) => s.replace(/[\s\r\n]/g, 'x') || 'X'),
    ),
  },
);

const BASES = [
  'secret/data/fuzz',
  'secret/metadata/fuzz',
  'secret/data',
  'secret/metadata',
  'sys/mounts/fuzz',
  'sys/mounts',
  'sys/policies/acl/fuzz',
  'sys/policies/acl',
  'auth/token/create',
  'auth/token/lookup',
  'cubbyhole/fuzz',
  'sys/health',
  'nomount/fuzz',
] as const;

const exoticSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('..', '.', '', '%00', '\u0000', '%2e%2e', '%2F', '%', '%zz', '%E0%A4%A', '%C0%AF', '%ff%fe', 'a b', '\t', '\\', '*', '+'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 50, maxLength: 300 }),
  fc.integer({ min: 1000, max: 6000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 100, max: 1200 }).map((n) => '\u{1f510}'.repeat(n)),
);

/** Mostly percent-encoded so the odd bytes reach the router; sometimes raw for the parser. */
const segment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z0-9_-]{1,12}$/) },
  { weight: 3, arbitrary: exoticSegment.map(percentEncode) },
  { weight: 1, arbitrary: exoticSegment },
);

function percentEncode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s;
  }
}

const query: fc.Arbitrary<string> = fc.constantFrom('', '', '', '?list=true', '?list=1', '?version=abc', '?version=-1', '?%zz=1', '?a=%00', '?list=true&list=false&x=' + 'y'.repeat(100));

const target: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...BASES), fc.stringMatching(/^[a-z0-9_-]{1,12}$/), query).map(([b, name, q]) => `/v1/${b}/${name}${q}`) },
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...BASES), fc.array(segment, { maxLength: 4 }), query).map(([b, segs, q]) => `/v1/${[b, ...segs].join('/')}${q}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('//', '/v1//', '/v1///'), fc.constantFrom(...BASES)).map(([p, b]) => `${p}${b.replace(/\//g, '//')}`) },
  { weight: 1, arbitrary: fc.constantFrom('/', '*', '/v1', '/v1/', '/v2/secret/data/fuzz', '/v1/%', '/v1/%00', 'http://127.0.0.1/v1/sys/health', '/../v1/sys/health', '/v1/sys/./health') },
);

const anything: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, -1, 0, 1e308, -1e308, 2 ** 53 + 1, '', 'NaN', '-5s', '99999999999h', true, [], {}, [[[]]]),
  fc.string({ unit: 'binary', maxLength: 50 }),
);

/** Objects with the field names the routes know, holding values of any type. */
const knownFields: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ data: anything, options: anything }, { requiredKeys: [] }),
  fc.record({ data: fc.dictionary(fc.string({ maxLength: 10 }), anything), options: fc.record({ cas: anything }) }),
  fc.record({ type: fc.oneof(fc.constantFrom('kv', 'kv-v2', 'system', 'cubbyhole', 'token', 'nope'), anything), config: anything, options: anything, description: anything, local: anything, seal_wrap: anything }, { requiredKeys: [] }),
  fc.record({ policy: fc.oneof(anything, fc.constantFrom('path "x" {', 'path "*" { capabilities = ["root"] }', 'path "a" { capabilities = "read" }')), name: anything }, { requiredKeys: [] }),
  fc.record(
    { policies: anything, ttl: anything, explicit_max_ttl: anything, period: anything, num_uses: anything, meta: anything, renewable: anything, no_parent: anything, display_name: anything, id: anything, type: anything, entity_alias: anything },
    { requiredKeys: [] },
  ),
  fc.record({ max_versions: anything, cas_required: anything, delete_version_after: anything, custom_metadata: anything, versions: anything }, { requiredKeys: [] }),
);

/** Bodies the routes accept, so the fuzz also drives successful writes, mounts and tokens. */
const wellFormed: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ data: fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 100 }), { maxKeys: 5 }) }),
  fc.record({ data: fc.dictionary(fc.string({ maxLength: 20 }), fc.string()), options: fc.record({ cas: fc.integer({ min: 0, max: 3 }) }) }),
  fc.record({ type: fc.constantFrom('kv', 'kv-v2', 'cubbyhole'), description: fc.string({ maxLength: 40 }), options: fc.constant({ version: '2' }) }),
  fc.record({ policy: fc.constantFrom('path "secret/data/fuzz/*" {\n  capabilities = ["read", "list"]\n}\n', 'path "*" { capabilities = ["deny"] }') }),
  fc.record({ policies: fc.array(fc.constantFrom('default', 'fuzz', 'root', 'x'), { maxLength: 3 }), ttl: fc.constantFrom('1h', '30s', '0'), num_uses: fc.nat(5) }),
  fc.record({ max_versions: fc.nat(20), custom_metadata: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }) }),
);

const body: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.constantFrom('{', '{"data":', '[1,2]', '"str"', 'null', '1e999', '{"a":1,"a":2}', '\u0000', '{"data":{"k":"\\ud800"}}', '\ufeff{}', '{"data":{}}garbage') },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 6, arbitrary: knownFields.map((v) => JSON.stringify(v)) },
  { weight: 4, arbitrary: wellFormed.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"data":{"a":"b"}}}', '{"data":{"__proto__":{"x":1}}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"__proto__":null}') },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 20_000 }).map((n) => `{"data":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`) },
  { weight: 1, arbitrary: fc.integer({ min: 100_000, max: 2_000_000 }).map((n) => JSON.stringify({ data: { big: 'z'.repeat(n) } })) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 50_000 }).map((n) => JSON.stringify({ data: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])) })) },
);

const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
  fc.constantFrom('hvs.', 'hvs.not-a-token', 's.' + 'A'.repeat(4000), 'Bearer', '\u00e9\u00e8', '-1s', '0', '99999999999999s', 'application/x-www-form-urlencoded', 'text/plain'),
);

/** Extra headers; the framing ones (length, encoding, host, connection) are never sent. */
const headers: fc.Arbitrary<Array<[string, string]>> = fc.array(
  fc.tuple(
    fc.oneof(
      fc.constantFrom('X-Vault-Token', 'Authorization', 'X-Vault-Wrap-TTL', 'Content-Type', 'X-Vault-Request', 'X-Vault-Namespace', 'X-Forwarded-For', 'Accept'),
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/).filter((n) => !/^(content-length|transfer-encoding|host|connection|upgrade|expect|te|trailer)$/i.test(n)),
    ),
    headerValue,
  ),
  { maxLength: 3 },
);

/** Mostly with the root token in front of the generated headers, sometimes without. */
export function hostileRequest(rootToken: string): fc.Arbitrary<RawRequest> {
  return fc.record({ method, target, headers, body, withRoot: fc.nat(3).map((n) => n > 0) }).map(({ method: m, target: t, headers: h, body: b, withRoot }) => ({
    method: m,
    target: t,
    headers: withRoot ? [['X-Vault-Token', rootToken] as [string, string], ...h] : h,
    body: b,
  }));
}

/** True for requests a root token could use to change the state the test verifies. */
export function isDestructive(req: RawRequest): boolean {
  let text = req.target;
  try {
    text = decodeURIComponent(text);
  } catch {
    // Undecodable targets are refused by the server before routing; check them raw.
  }
  text = text.toLowerCase().replace(/\/+/g, '/');
  return /sys\/(seal|step-down|rotate|rekey|generate-root|raw|remount|unseal|init|auth|audit|mounts\/(secret|sys|cubbyhole)\b)|revoke|secret\/[a-z]+\/keep|secret\/config|auth\/token\/(roles|tidy)/.test(text);
}
