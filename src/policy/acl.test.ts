import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Acl, AclOperation } from './acl.js';
import { compileAcl } from './compile-acl.js';
import { defaultPolicyText } from './default-policy.js';
import { parsePolicy } from './parse-policy.js';
import { rootAcl } from './root-acl.js';

function acl(...texts: string[]): Acl {
  return compileAcl(texts.map((t, i) => parsePolicy(`p${i}`, t)));
}

function rules(spec: Record<string, string[]>): string {
  return Object.entries(spec)
    .map(([path, caps]) => `path "${path}" { capabilities = ${JSON.stringify(caps)} }`)
    .join('\n');
}

function allowed(a: Acl, path: string, operation: AclOperation, data?: Record<string, unknown>): boolean {
  return a.check(data === undefined ? { path, operation } : { path, operation, data }).allowed;
}

test('exact paths beat globs; no match is deny', () => {
  const a = acl(rules({ 'secret/*': ['read'], 'secret/foo': ['update'] }));
  assert.deepEqual(a.capabilities('secret/foo'), ['update']);
  assert.deepEqual(a.capabilities('secret/foobar'), ['read']);
  assert.deepEqual(a.capabilities('other'), ['deny']);
  assert.equal(allowed(a, 'secret/foo', 'read'), false);
  assert.deepEqual(a.check({ path: 'nowhere', operation: 'read' }), { allowed: false, rootPrivs: false, capabilities: ['deny'] });
});

test('a trailing * is a plain prefix, not a segment boundary', () => {
  const a = acl(rules({ 'secret/foo*': ['read'] }));
  assert.deepEqual(a.capabilities('secret/foo'), ['read']);
  assert.deepEqual(a.capabilities('secret/foobar/baz'), ['read']);
  assert.deepEqual(a.capabilities('secret/fo'), ['deny']);
});

test('+ matches exactly one segment, and combines with *', () => {
  const a = acl(rules({ 'secret/+/teamb': ['read'], 'kv/+/data/*': ['list'] }));
  assert.deepEqual(a.capabilities('secret/foo/teamb'), ['read']);
  assert.deepEqual(a.capabilities('secret/foo/bar/teamb'), ['deny']);
  assert.deepEqual(a.capabilities('secret/teamb'), ['deny']);
  assert.deepEqual(a.capabilities('secret/foo/teamb/x'), ['deny']);
  assert.deepEqual(a.capabilities('kv/a/data/x/y'), ['list']);
  assert.deepEqual(a.capabilities('kv/a/data/'), ['list']);
  assert.deepEqual(a.capabilities('kv/a/data'), ['deny']);
});

test('priority (1): the later first wildcard wins', () => {
  const a = acl(rules({ 'foo/+/bar/baz': ['read'], 'foo/bar/+/baz': ['update'] }));
  assert.deepEqual(a.capabilities('foo/bar/bar/baz'), ['update']);
  const b = acl(rules({ 'foo/+': ['read'], 'foo/a*': ['update'] }));
  assert.deepEqual(b.capabilities('foo/abc'), ['update']);
  assert.deepEqual(b.capabilities('foo/xyz'), ['read']);
  const c = acl(rules({ 'secret/*': ['read'], 'secret/data/*': ['update'] }));
  assert.deepEqual(c.capabilities('secret/data/x'), ['update']);
});

test('priority (2): at the same position, not ending in * wins', () => {
  const a = acl(rules({ 'foo/+/ba*': ['read'], 'foo/+/bar': ['update'] }));
  assert.deepEqual(a.capabilities('foo/x/bar'), ['update']);
  assert.deepEqual(a.capabilities('foo/x/bar2'), ['read']);
  const b = acl(rules({ 'foo/*': ['read'], 'foo/+': ['update'] }));
  assert.deepEqual(b.capabilities('foo/x'), ['update']);
  assert.deepEqual(b.capabilities('foo/x/y'), ['read']);
  const c = acl(rules({ 'secret/*': ['read'], 'secret/+/teamb': ['update'] }));
  assert.deepEqual(c.capabilities('secret/a/teamb'), ['update']);
});

test('priority (3): fewer + segments win', () => {
  const a = acl(rules({ 'foo/+/+/baz': ['read'], 'foo/+/bar/baz': ['update'] }));
  assert.deepEqual(a.capabilities('foo/x/bar/baz'), ['update']);
  assert.deepEqual(a.capabilities('foo/x/y/baz'), ['read']);
});

test('priority (4): the longer pattern wins', () => {
  const a = acl(rules({ 'foo/+/bar/b*': ['read'], 'foo/+/bar/ba*': ['update'] }));
  assert.deepEqual(a.capabilities('foo/x/bar/baz'), ['update']);
  assert.deepEqual(a.capabilities('foo/x/bar/bz'), ['read']);
});

test('priority (5): the lexicographically greater pattern wins', () => {
  const a = acl(rules({ '+/+/y': ['read'], '+/x/+': ['update'] }));
  assert.deepEqual(a.capabilities('a/x/y'), ['update']);
});

test('list: exact rule without the trailing slash, then wildcard on the trimmed path', () => {
  const a = acl(rules({ 'sys/policies/acl': ['list'], '+/mounts': ['list'] }));
  assert.equal(allowed(a, 'sys/policies/acl/', 'list'), true);
  assert.equal(allowed(a, 'sys/policies/acl/', 'read'), false);
  assert.equal(allowed(a, 'x/mounts/', 'list'), true);
  assert.equal(allowed(a, 'x/mounts/', 'read'), false);
  // The trimmed path is tried first, so a narrower wildcard on it wins over a broader one.
  const b = acl(rules({ 'kv/*': ['read'], 'kv/dir': ['list'] }));
  assert.equal(allowed(b, 'kv/dir/', 'list'), true);
  assert.deepEqual(b.capabilities('kv/dir/'), ['list']);
});

test('leading slashes in the request path are ignored', () => {
  const a = acl(rules({ 'secret/foo': ['read'] }));
  assert.equal(allowed(a, '//secret/foo', 'read'), true);
});

test('sudo gives rootPrivs; each operation needs its own capability', () => {
  const a = acl(rules({ 'sys/audit/*': ['create', 'update', 'sudo'], 'kv/*': ['read', 'patch', 'delete', 'list'] }));
  assert.deepEqual(a.check({ path: 'sys/audit/file', operation: 'update' }), {
    allowed: true, rootPrivs: true, capabilities: ['create', 'sudo', 'update'],
  });
  assert.equal(a.check({ path: 'sys/audit/file', operation: 'read' }).rootPrivs, true);
  const ops: AclOperation[] = ['create', 'read', 'update', 'patch', 'delete', 'list'];
  assert.deepEqual(ops.filter((op) => allowed(a, 'kv/x', op)), ['read', 'patch', 'delete', 'list']);
});

test('the root ACL allows everything with sudo and reports ["root"]', () => {
  const r = rootAcl();
  assert.equal(r.isRoot, true);
  assert.deepEqual(r.check({ path: 'anything', operation: 'delete' }), { allowed: true, rootPrivs: true, capabilities: ['root'] });
  assert.deepEqual(r.capabilities('x'), ['root']);
  assert.equal(compileAcl([parsePolicy('root', '')]).isRoot, true);
  assert.throws(() => compileAcl([parsePolicy('root', ''), parsePolicy('default', '')]), /other policies present along with root/);
});

test('parameters: allowed lists, globs, "*" and empty lists', () => {
  const a = acl(`path "app/config" {
    capabilities = ["create", "update", "read", "list", "delete"]
    allowed_parameters = { "name" = ["web-*", "*-db", "exact"], "note" = [], "count" = [3] }
  }`);
  assert.equal(allowed(a, 'app/config', 'update', { name: 'web-1' }), true);
  assert.equal(allowed(a, 'app/config', 'update', { name: 'main-db' }), true);
  assert.equal(allowed(a, 'app/config', 'update', { NAME: 'exact', note: 'anything' }), true);
  assert.equal(allowed(a, 'app/config', 'update', { name: 'other' }), false);
  assert.equal(allowed(a, 'app/config', 'update', { count: 3 }), true);
  assert.equal(allowed(a, 'app/config', 'update', { count: '3' }), false);
  assert.equal(allowed(a, 'app/config', 'create', { extra: 1 }), false);
  assert.equal(allowed(a, 'app/config', 'update', {}), true);
  // list and delete do not look at parameters.
  assert.equal(allowed(a, 'app/config', 'list', { extra: 1 }), true);
  assert.equal(allowed(a, 'app/config', 'delete', { extra: 1 }), true);
  const b = acl(`path "x" {\n capabilities = ["update"]\n allowed_parameters = { "*" = [], "name" = ["a"] }\n}`);
  assert.equal(allowed(b, 'x', 'update', { other: 1, name: 'a' }), true);
  assert.equal(allowed(b, 'x', 'update', { name: 'b' }), false);
  // A lone one-character "*" value is literal, as in Vault.
  const c = acl(`path "x" {\n capabilities = ["update"]\n allowed_parameters = { "v" = ["*"] }\n}`);
  assert.equal(allowed(c, 'x', 'update', { v: 'anything' }), false);
  assert.equal(allowed(c, 'x', 'update', { v: '*' }), true);
});

test('parameters: denied beats allowed; "*" denies any body', () => {
  const a = acl(`path "x" {
    capabilities = ["update"]
    allowed_parameters = { "policies" = [] }
    denied_parameters = { "policies" = ["root", "admin*"] }
  }`);
  assert.equal(allowed(a, 'x', 'update', { policies: 'dev' }), true);
  assert.equal(allowed(a, 'x', 'update', { policies: 'root' }), false);
  assert.equal(allowed(a, 'x', 'update', { policies: 'admins' }), false);
  assert.equal(allowed(a, 'x', 'update', { policies: ['dev', 'root'] }), false);
  assert.equal(allowed(a, 'x', 'update', { policies: ['dev', 'ops'] }), true);
  const b = acl(`path "x" {\n capabilities = ["update"]\n denied_parameters = { "*" = [] }\n}`);
  assert.equal(allowed(b, 'x', 'update', { any: 1 }), false);
  assert.equal(allowed(b, 'x', 'update', {}), true);
  const c = acl(`path "x" {\n capabilities = ["update"]\n denied_parameters = { "secret" = [] }\n}`);
  assert.equal(allowed(c, 'x', 'update', { secret: 'v' }), false);
  assert.equal(allowed(c, 'x', 'update', { open: 'v' }), true);
});

test('parameters: list values must each be allowed', () => {
  const a = acl(`path "x" {\n capabilities = ["update"]\n allowed_parameters = { "p" = ["a", "b"] }\n}`);
  assert.equal(allowed(a, 'x', 'update', { p: ['a', 'b'] }), true);
  assert.equal(allowed(a, 'x', 'update', { p: ['a', 'c'] }), false);
  assert.equal(allowed(a, 'x', 'update', { p: [] }), false);
});

test('parameters: comma-separated strings and policy-name case, as Vault', () => {
  const d = acl(`path "x" {\n capabilities = ["update"]\n denied_parameters = { "policies" = ["root"], "tag" = ["no"] }\n}`);
  assert.equal(allowed(d, 'x', 'update', { policies: 'default,root' }), false);
  assert.equal(allowed(d, 'x', 'update', { policies: 'default, root' }), false);
  assert.equal(allowed(d, 'x', 'update', { policies: 'ROOT' }), false);
  assert.equal(allowed(d, 'x', 'update', { token_policies: ['Root'] }), true);
  assert.equal(allowed(d, 'x', 'update', { tag: 'yes,no' }), false);
  assert.equal(allowed(d, 'x', 'update', { tag: 'NO' }), true);
  assert.equal(allowed(d, 'x', 'update', { policies: 'default,dev' }), true);
  const a = acl(`path "x" {\n capabilities = ["update"]\n allowed_parameters = { "policies" = ["dev", "ops-*"] }\n}`);
  assert.equal(allowed(a, 'x', 'update', { policies: 'dev,ops-1' }), true);
  assert.equal(allowed(a, 'x', 'update', { policies: 'DEV' }), true);
  assert.equal(allowed(a, 'x', 'update', { policies: 'dev,root' }), false);
  assert.equal(allowed(a, 'x', 'update', { policies: '' }), false);
});

test('LIST of "x/": a deny on x/* is not bypassed through a rule matching "x" (GHSA-xp3c-3jw3-4vcr)', () => {
  const a = acl(rules({ 'foo/metadata/*': ['list', 'read'], 'foo/metadata/private/*': ['deny'] }));
  assert.equal(allowed(a, 'foo/metadata/private/', 'list'), false);
  assert.equal(allowed(a, 'foo/metadata/private/x', 'read'), false);
  assert.equal(allowed(a, 'foo/metadata/public/', 'list'), true);
  assert.deepEqual(a.capabilities('foo/metadata/private/'), ['deny']);
  // A segment rule written without the slash still lists (VAULT-3825) ...
  const b = acl(rules({ 'kv/+': ['list'], 'kv/private/*': ['deny'] }));
  assert.equal(allowed(b, 'kv/open/', 'list'), true);
  assert.equal(allowed(b, 'kv/private/', 'list'), false);
  // ... and a more specific list grant beats a broader rule matching the trimmed path.
  const c = acl(rules({ 'h/+/': ['list'], '*': ['create'] }));
  assert.equal(allowed(c, 'h/a/', 'list'), true);
  assert.deepEqual(c.capabilities('h/a/'), ['list']);
  // A more specific list grant also beats a broader deny.
  const d = acl(rules({ 'kv/*': ['deny'], 'kv/team/+': ['list'] }));
  assert.equal(allowed(d, 'kv/team/x/', 'list'), true);
});

test('parameters: required ones must all be present', () => {
  const a = acl(`path "x" {\n capabilities = ["update", "read", "list"]\n required_parameters = ["Name", "ttl"]\n}`);
  assert.equal(allowed(a, 'x', 'update', { name: 'a', ttl: 1 }), true);
  assert.equal(allowed(a, 'x', 'update', { name: 'a' }), false);
  assert.equal(allowed(a, 'x', 'update'), false);
  assert.equal(allowed(a, 'x', 'list'), true);
});

test('wrapping TTL bounds', () => {
  const a = acl(`path "x" {\n capabilities = ["read"]\n min_wrapping_ttl = "1m"\n max_wrapping_ttl = "1h"\n}`);
  assert.equal(allowed(a, 'x', 'read'), false);
  assert.equal(a.check({ path: 'x', operation: 'read', wrapTtl: 30 }).allowed, false);
  assert.equal(a.check({ path: 'x', operation: 'read', wrapTtl: 600 }).allowed, true);
  assert.equal(a.check({ path: 'x', operation: 'read', wrapTtl: 7200 }).allowed, false);
});

test('the default policy grants a token its self-service paths only', () => {
  const a = compileAcl([parsePolicy('default', defaultPolicyText)]);
  assert.equal(allowed(a, 'auth/token/lookup-self', 'read'), true);
  assert.equal(allowed(a, 'auth/token/renew-self', 'update'), true);
  assert.equal(allowed(a, 'sys/capabilities-self', 'update'), true);
  assert.equal(allowed(a, 'cubbyhole/mine', 'create'), true);
  assert.equal(allowed(a, 'sys/wrapping/unwrap', 'update'), true);
  assert.equal(allowed(a, 'sys/tools/hash/sha2-512', 'update'), true);
  assert.equal(allowed(a, 'sys/leases/lookup', 'update'), true);
  assert.equal(allowed(a, 'secret/data/x', 'read'), false);
  assert.equal(allowed(a, 'sys/policies/acl/default', 'update'), false);
  // Templated paths grant nothing until rendered for an identity.
  assert.deepEqual(a.capabilities('identity/entity/id/{{identity.entity.id}}'), ['deny']);
});

test('hasAccessUnder: a grant inside the mount or a glob covering it; deny and unrelated rules do not count', () => {
  const acl = compileAcl([
    parsePolicy('p', 'path "secret/data/app/*" { capabilities = ["read"] }\npath "+/data/shared" { capabilities = ["read"] }\npath "other/*" { capabilities = ["deny"] }\npath "kv*" { capabilities = ["list"] }'),
  ]);
  assert.equal(acl.hasAccessUnder('secret/'), true);
  assert.equal(acl.hasAccessUnder('anything/'), true, 'a leading + segment matches every mount');
  assert.equal(acl.hasAccessUnder('kv2/'), true, 'a glob whose literal part covers the mount');
  const narrow = compileAcl([parsePolicy('q', 'path "secret/data/app" { capabilities = ["read"] }\npath "other/*" { capabilities = ["deny"] }')]);
  assert.equal(narrow.hasAccessUnder('other/'), false);
  assert.equal(narrow.hasAccessUnder('cubby/'), false);
  assert.equal(rootAcl().hasAccessUnder('x/'), true);
});
