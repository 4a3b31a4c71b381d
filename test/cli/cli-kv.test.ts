// End-to-end: `arca kv ...` and the generic read/write/delete/list against a real dev server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ok, startCliWorld } from './cli-world.js';
import type { CliWorld } from './cli-world.js';

describe('arca kv (v2 at secret/)', () => {
  let w: CliWorld;
  before(async () => {
    w = await startCliWorld();
  });
  after(() => w.close());

  test('put, get, -field, -format=json, patch, -version', async () => {
    fs.writeFileSync(`${w.home}/pw.txt`, 'from-file');
    assert.match(ok(await w.run(['kv', 'put', 'secret/app', 'user=alice', 'password=@pw.txt'])), /version\s+1/);
    const got = ok(await w.run(['kv', 'get', 'secret/app']));
    assert.match(got, /^= Secret Path =\nsecret\/data\/app\n\n/);
    assert.match(got, /=+ Metadata =+/);
    assert.match(got, /\n\n====== Data ======\nKey {9}Value\n--- {9}-----\npassword {4}from-file\nuser {8}alice/);
    assert.equal(ok(await w.run(['kv', 'get', '-field=user', 'secret/app'])), 'alice');
    const json = JSON.parse(ok(await w.run(['kv', 'get', '-format=json', '-mount=secret', 'app']))) as { data: { data: Record<string, string> } };
    assert.deepEqual(json.data.data, { user: 'alice', password: 'from-file' });
    // Vault's -wrap-ttl: the read comes back as a single-use wrapping token (the KV preflight is
    // not wrapped), -field=wrapping_token prints it, and unwrapping it gives the secret.
    const wrapped = ok(await w.run(['kv', 'get', '-wrap-ttl=60s', 'secret/app']));
    assert.match(wrapped, /^wrapping_token: +\S+\nwrapping_accessor: +\S+\nwrapping_token_ttl: +1m\n/m);
    const wrapToken = ok(await w.run(['kv', 'get', '-wrap-ttl=60s', '-field=wrapping_token', 'secret/app']));
    const unwrapped = JSON.parse(ok(await w.run(['write', '-format=json', 'sys/wrapping/unwrap', `token=${wrapToken}`]))) as { data: { data: Record<string, string> } };
    assert.equal(unwrapped.data.data['user'], 'alice');
    // Vault's `kv put PATH @file.json`: the file is the JSON object to write.
    fs.writeFileSync(`${w.home}/data.json`, '{"host": "db", "port": 5432}');
    ok(await w.run(['kv', 'put', 'secret/json', '@data.json']));
    assert.deepEqual(JSON.parse(ok(await w.run(['kv', 'get', '-format=json', '-field=data', 'secret/json']))), { host: 'db', port: 5432 });
    // Vault's -field=data: the whole data map when the secret has no key named "data".
    assert.deepEqual(JSON.parse(ok(await w.run(['kv', 'get', '-format=json', '-field=data', 'secret/app']))), { user: 'alice', password: 'from-file' });
    assert.equal(ok(await w.run(['kv', 'get', '-field=data', 'secret/app'])), 'map[password:from-file user:alice]');
    // The keys of Vault's api.Secret, in its order; unset auth and wrap_info are left out.
    assert.deepEqual(Object.keys(json), ['request_id', 'lease_id', 'lease_duration', 'renewable', 'data', 'warnings', 'mount_type']);
    ok(await w.run(['kv', 'patch', 'secret/app', 'user=bob']));
    assert.equal(ok(await w.run(['kv', 'get', '-field=user', 'secret/app'])), 'bob');
    assert.equal(ok(await w.run(['kv', 'get', '-field=password', 'secret/app'])), 'from-file');
    assert.equal(ok(await w.run(['kv', 'get', '-version=1', '-field=user', 'secret/app'])), 'alice');
    // Vault's -method=rw (read, merge, check-and-set write) and -remove-data (null in the merge patch).
    assert.match(ok(await w.run(['kv', 'patch', '-method=rw', 'secret/app', 'user=carol'])), /version\s+3/);
    ok(await w.run(['kv', 'patch', '-remove-data=password', 'secret/app']));
    const after = JSON.parse(ok(await w.run(['kv', 'get', '-format=json', 'secret/app']))) as { data: { data: Record<string, string> } };
    assert.deepEqual(after.data.data, { user: 'carol' });
  });

  test('check-and-set refuses a stale write (exit 2, server error on stderr)', async () => {
    ok(await w.run(['kv', 'put', 'secret/cas', 'a=1']));
    const r = await w.run(['kv', 'put', '-cas=0', 'secret/cas', 'a=2']);
    assert.equal(r.code, 2);
    assert.match(r.err, /^Error writing data to secret\/data\/cas: Error making API request\.\n\nCode: 400/);
    assert.doesNotMatch(r.err, /a=2/);
  });

  test('list, delete, undelete, destroy, rollback, metadata', async () => {
    ok(await w.run(['kv', 'put', 'secret/dir/one', 'v=1']));
    ok(await w.run(['kv', 'put', 'secret/dir/one', 'v=2']));
    ok(await w.run(['kv', 'put', 'secret/dir/sub/two', 'v=1']));
    assert.equal(ok(await w.run(['kv', 'list', 'secret/dir'])), 'Keys\n----\none\nsub/\n');
    ok(await w.run(['kv', 'delete', 'secret/dir/one']));
    // As Vault's kv get: a deleted version shows its metadata (no Data section) and exits 0;
    // -field has nothing to print and exits 2.
    const deleted = ok(await w.run(['kv', 'get', 'secret/dir/one']));
    assert.match(deleted, /deletion_time +\d{4}-/);
    assert.doesNotMatch(deleted, /= Data =/);
    const deletedJson = JSON.parse(ok(await w.run(['kv', 'get', '-format=json', 'secret/dir/one']))) as { data: { data: unknown } };
    assert.equal(deletedJson.data.data, null);
    const noField = await w.run(['kv', 'get', '-field=v', 'secret/dir/one']);
    assert.equal(noField.code, 2);
    assert.equal(noField.err, 'No data found at secret/data/dir/one\n');
    ok(await w.run(['kv', 'undelete', '-versions=2', 'secret/dir/one']));
    assert.equal(ok(await w.run(['kv', 'get', '-field=v', 'secret/dir/one'])), '2');
    assert.match(ok(await w.run(['kv', 'rollback', '-version=1', 'secret/dir/one'])), /version\s+3/);
    assert.equal(ok(await w.run(['kv', 'get', '-field=v', 'secret/dir/one'])), '1');
    ok(await w.run(['kv', 'destroy', '-versions=1', 'secret/dir/one']));
    const meta = ok(await w.run(['kv', 'metadata', 'get', 'secret/dir/one']));
    assert.match(meta, /current_version\s+3/);
    assert.match(meta, /=+ Version 1 =+\nKey +Value\n-+ +-+\ncreated_time +\S+\ndeletion_time +n\/a\ndestroyed +true/);
    ok(await w.run(['kv', 'metadata', 'put', '-max-versions=2', 'secret/dir/one']));
    assert.match(ok(await w.run(['kv', 'metadata', 'get', 'secret/dir/one'])), /max_versions\s+2/);
    ok(await w.run(['kv', 'metadata', 'delete', 'secret/dir/one']));
    const gone = await w.run(['kv', 'get', 'secret/dir/one']);
    assert.equal(gone.code, 2);
    assert.match(gone.err, /No value found at secret\/data\/dir\/one/);
  });

  test('KV v1 mounts: no data/ prefix, patch refused', async () => {
    ok(await w.run(['secrets', 'enable', '-path=kv1', 'kv']));
    assert.equal(ok(await w.run(['kv', 'put', 'kv1/app', 'k=v'])), 'Success! Data written to: kv1/app\n');
    // As `vault kv get` on KV v1: the refresh hint (the mount's default lease TTL) comes first.
    assert.match(ok(await w.run(['kv', 'get', 'kv1/app'])), /^Key {17}Value\n--- {17}-----\nrefresh_interval {4}768h\nk {19}v\n$/);
    assert.equal((await w.run(['kv', 'patch', 'kv1/app', 'k=x'])).code, 2);
    assert.equal(ok(await w.run(['kv', 'list', 'kv1'])), 'Keys\n----\napp\n');
  });

  test('generic read/write/delete/list', async () => {
    ok(await w.run(['secrets', 'enable', '-path=gen1', 'kv']));
    assert.equal(ok(await w.run(['write', 'gen1/gen', 'a=1'])), 'Success! Data written to: gen1/gen\n');
    // As Vault: a write answered without a body prints nothing in json (the success line is for tables).
    assert.equal(ok(await w.run(['write', '-format=json', 'gen1/gen', 'a=1'])), '');
    assert.equal(ok(await w.run(['kv', 'put', '-format=json', 'gen1/gen', 'a=1'])), '');
    assert.match(ok(await w.run(['read', 'gen1/gen'])), /refresh_interval {4}768h\na {19}1/);
    assert.equal(ok(await w.run(['read', '-field=a', 'gen1/gen'])), '1');
    assert.match(ok(await w.run(['list', 'gen1/'])), /gen/);
    ok(await w.run(['delete', 'gen1/gen']));
    const r = await w.run(['read', 'gen1/gen']);
    assert.equal(r.code, 2);
    assert.equal(r.err, 'No value found at gen1/gen\n');
    // As Vault's list: nothing to list is "No value found at PATH/" (table) or {} (json), exit 2.
    const none = await w.run(['list', 'gen1/nothing']);
    assert.deepEqual([none.code, none.out, none.err], [2, '', 'No value found at gen1/nothing/\n']);
    const noneJson = await w.run(['kv', 'list', '-format=json', 'secret/nothing']);
    assert.deepEqual([noneJson.code, noneJson.out], [2, '{}\n']);
    assert.equal((await w.run(['write', 'gen1/gen'])).code, 1);
  });

  test('a reader token reads through the preflight; a token without access gets permission denied', async () => {
    ok(await w.run(['kv', 'put', 'secret/shared', 'k=v']));
    ok(await w.run(['policy', 'write', 'kv-reader', '-'], { stdin: 'path "secret/data/*" { capabilities = ["read"] }\n' }));
    const reader = ok(await w.run(['token', 'create', '-policy=kv-reader', '-field=token']));
    assert.equal(ok(await w.run(['kv', 'get', '-field=k', 'secret/shared'], { env: { ARCA_TOKEN: reader } })), 'v');
    const denied = await w.run(['kv', 'put', 'secret/shared', 'k=x'], { env: { ARCA_TOKEN: reader } });
    assert.equal(denied.code, 2);
    assert.match(denied.err, /permission denied/);
    const token = ok(await w.run(['token', 'create', '-policy=default', '-field=token']));
    const r = await w.run(['kv', 'get', 'secret/app'], { env: { ARCA_TOKEN: token } });
    assert.equal(r.code, 2);
    assert.match(r.err, /permission denied|403/);
    assert.doesNotMatch(r.err, new RegExp(token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });
});
