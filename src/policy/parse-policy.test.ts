import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArcaError } from '../lib/errors.js';
import { defaultPolicyText } from './default-policy.js';
import { parsePolicy } from './parse-policy.js';

function rejects(text: string, what: RegExp): void {
  assert.throws(
    () => parsePolicy('p', text),
    (err: unknown) => err instanceof ArcaError && err.code === 'invalid_request' && /^failed to parse policy: /.test(err.message) && what.test(err.message),
  );
}

test('HCL policy: paths, capabilities in canonical order, name normalised, raw kept', () => {
  const text = 'path "secret/*" {\n  capabilities = ["list", "read", "read"]\n}\npath "/sys/mounts" { capabilities = ["sudo", "read"] }';
  const p = parsePolicy('  Ops-Team ', text);
  assert.equal(p.name, 'ops-team');
  assert.equal(p.raw, text);
  assert.equal(p.templated, false);
  assert.deepEqual(p.paths.map((r) => [r.path, r.capabilities]), [
    ['secret/*', ['read', 'list']],
    ['sys/mounts', ['read', 'sudo']],
  ]);
});

test('JSON policy text is accepted, as a map or a list of maps', () => {
  const a = parsePolicy('j', '  {"path": {"secret/*": {"capabilities": ["read"]}, "x": {"policy": "write"}}}');
  assert.deepEqual(a.paths.map((r) => [r.path, r.capabilities]), [
    ['secret/*', ['read']],
    ['x', ['create', 'read', 'update', 'delete', 'list']],
  ]);
  const b = parsePolicy('j', '{"path": [{"a": {"capabilities": ["deny"]}}], "name": "ignored"}');
  assert.deepEqual(b.paths.map((r) => [r.path, r.capabilities]), [['a', ['deny']]]);
  // HCL's own map form works too.
  const c = parsePolicy('h', 'path = { "k/*" = { capabilities = ["list"] } }');
  assert.deepEqual(c.paths.map((r) => r.path), ['k/*']);
});

test('legacy policy values map as Vault maps them', () => {
  const caps = (legacy: string): readonly string[] => parsePolicy('p', `path "a" { policy = "${legacy}" }`).paths[0]?.capabilities ?? [];
  assert.deepEqual(caps('read'), ['read', 'list']);
  assert.deepEqual(caps('write'), ['create', 'read', 'update', 'delete', 'list']);
  assert.deepEqual(caps('sudo'), ['create', 'read', 'update', 'delete', 'list', 'sudo']);
  assert.deepEqual(caps('deny'), ['deny']);
  rejects('path "a" { policy = "admin" }', /path "a": invalid policy "admin"/);
});

test('deny anywhere leaves only deny and drops parameter rules', () => {
  const p = parsePolicy('p', 'path "a" {\n capabilities = ["read", "deny", "update"]\n allowed_parameters = { x = [] }\n min_wrapping_ttl = "1h"\n}');
  const rule = p.paths[0];
  assert.deepEqual(rule?.capabilities, ['deny']);
  assert.equal(rule?.allowedParameters, undefined);
  assert.equal(rule?.minWrappingTtl, 0);
});

test('every capability is known; an unknown one is named with its line', () => {
  const all = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'subscribe', 'recover'];
  const p = parsePolicy('p', `path "a" { capabilities = ${JSON.stringify(all)} }`);
  assert.deepEqual(p.paths[0]?.capabilities, all);
  rejects('\npath "a" {\n  capabilities = ["read", "write"]\n}', /line 2, column 1: path "a": invalid capability "write"/);
});

test('parameters: names lower-cased, values kept, blocks and assignments merge', () => {
  const text = `path "a" {
    capabilities = ["update"]
    allowed_parameters = { "Name" = [], "ttl" = ["1h", 30, true] }
    allowed_parameters { "name" = ["x"] "other" = ["y*"] }
    denied_parameters { "*" = [] }
    required_parameters = ["Name", "name"]
  }`;
  const rule = parsePolicy('p', text).paths[0];
  assert.deepEqual([...(rule?.allowedParameters ?? [])], [['name', []], ['ttl', ['1h', 30, true]], ['other', ['y*']]]);
  assert.deepEqual([...(rule?.deniedParameters ?? [])], [['*', []]]);
  assert.deepEqual(rule?.requiredParameters, ['name']);
});

test('wrapping TTLs accept Go durations, days and plain seconds', () => {
  const ttl = (v: string): [number, number] => {
    const r = parsePolicy('p', `path "a" {\n min_wrapping_ttl = ${v}\n max_wrapping_ttl = "48h" }`).paths[0];
    return [r?.minWrappingTtl ?? -1, r?.maxWrappingTtl ?? -1];
  };
  assert.deepEqual(ttl('"1h30m"'), [5400, 172800]);
  assert.deepEqual(ttl('"90"'), [90, 172800]);
  assert.deepEqual(ttl('300'), [300, 172800]);
  assert.deepEqual(ttl('"1d"'), [86400, 172800]);
  assert.deepEqual(ttl('"1.5s"'), [1.5, 172800]);
  rejects('path "a" { min_wrapping_ttl = "soon" }', /invalid duration for "min_wrapping_ttl"/);
  rejects('path "a" { min_wrapping_ttl = "2h"\n max_wrapping_ttl = "1h" }', /max_wrapping_ttl cannot be less than min_wrapping_ttl/);
});

test('structural errors are reported, not ignored', () => {
  rejects('paths "a" {}', /invalid key "paths"/);
  rejects('path "a" { capabilites = ["read"] }', /path "a": invalid key "capabilites"/);
  rejects('path "a" { control_group = {} }', /"control_group" is not supported/);
  rejects('path "a" { capabilities = "read" }', /"capabilities" must be a list of strings/);
  rejects('path "a" { capabilities = ["read"]\n capabilities = ["list"] }', /duplicate key "capabilities"/);
  rejects('path "a" { allowed_parameters = { x = "y" } }', /parameter "x" must map to a list of values/);
  rejects('path "a" "b" {}', /too many labels/);
  rejects('path "a" = 1', /expected "\{"|expected an object/);
  rejects('path "a/+*" { capabilities = ["read"] }', /'\+\*' is forbidden/);
  rejects('path "a/{{identity.entity.nope}}" { capabilities = ["read"] }', /unsupported template placeholder/);
  rejects('path "a/{{identity.entity.id" { capabilities = ["read"] }', /unterminated template placeholder/);
  rejects('{"path": {"a": null}}', /null values are not supported/);
  rejects(`# ${'x'.repeat(1024 * 1024)}`, /larger than/);
});

test('text starting with "{" that is not JSON is parsed as HCL and reports HCL errors', () => {
  rejects('{ nope', /line 1, column 1: expected a key/);
});

test('templated paths are flagged', () => {
  const p = parsePolicy('t', 'path "secret/{{ identity.entity.id }}/*" { capabilities = ["read"] }\npath "plain" { capabilities = ["read"] }');
  assert.equal(p.templated, true);
  assert.deepEqual(p.paths.map((r) => r.templated), [true, false]);
});

test('the default policy parses', () => {
  const p = parsePolicy('default', defaultPolicyText);
  assert.ok(p.paths.some((r) => r.path === 'auth/token/lookup-self'));
  assert.equal(p.templated, true);
});
