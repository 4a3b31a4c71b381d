// End-to-end: status, login, token, secrets, policy, audit and lease commands against a real
// dev server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ok, startCliWorld } from './cli-world.js';
import type { CliWorld } from './cli-world.js';

describe('arca admin commands', () => {
  let w: CliWorld;
  before(async () => {
    w = await startCliWorld();
  });
  after(() => w.close());

  test('status of an unsealed dev server exits 0', async () => {
    const out = ok(await w.run(['status']));
    assert.match(out, /Initialized\s+true\nSealed\s+false/);
    const json = JSON.parse(ok(await w.run(['status', '-format=json']))) as { sealed: boolean };
    assert.equal(json.sealed, false);
  });

  test('login stores the token (0600) and later commands use it', async () => {
    const noEnv = { ARCA_TOKEN: undefined };
    const bad = await w.run(['login', 'not-a-token'], { env: noEnv });
    assert.equal(bad.code, 2);
    assert.doesNotMatch(bad.err, /not-a-token/);
    assert.equal(fs.existsSync(`${w.home}/.arca-token`), false);
    const out = ok(await w.run(['login'], { env: noEnv, stdin: `${w.rootToken}\n` }));
    assert.match(out, /Success! You are now authenticated/);
    assert.match(out, /policies\s+\["root"\]/);
    assert.equal(fs.statSync(`${w.home}/.arca-token`).mode & 0o777, 0o600);
    assert.match(ok(await w.run(['token', 'lookup'], { env: noEnv })), /policies\s+\[root\]/);
    fs.rmSync(`${w.home}/.arca-token`);
  });

  test('token create, lookup, capabilities, renew, revoke', async () => {
    ok(await w.run(['policy', 'write', 'reader', '-'], { stdin: 'path "secret/data/*" { capabilities = ["read"] }\n' }));
    const token = ok(await w.run(['token', 'create', '-policy=reader', '-ttl=1h', '-field=token']));
    assert.notEqual(token, '');
    const table = ok(await w.run(['token', 'create', '-policy=reader']));
    assert.match(table, /token_policies\s+\["default" "reader"\]|token_policies\s+\["reader" "default"\]/);
    assert.match(ok(await w.run(['token', 'lookup', token])), /policies\s+\[default reader\]/);
    assert.equal(ok(await w.run(['token', 'capabilities', token, 'secret/data/x'])), 'read\n');
    assert.equal(ok(await w.run(['token', 'capabilities', 'secret/data/x'], { env: { ARCA_TOKEN: token } })), 'read\n');
    assert.match(ok(await w.run(['token', 'renew', '-increment=30m'], { env: { ARCA_TOKEN: token } })), /token_duration\s+30m/);
    assert.equal(ok(await w.run(['token', 'revoke', token])), 'Success! Revoked token (if it existed)\n');
    const r = await w.run(['token', 'lookup'], { env: { ARCA_TOKEN: token } });
    assert.equal(r.code, 2);
    assert.match(r.err, /^Error looking up token: /);
  });

  test('secrets enable, list, tune, move, disable', async () => {
    assert.equal(ok(await w.run(['secrets', 'enable', '-path=team', '-description=Team secrets', 'kv-v2'])), 'Success! Enabled the kv secrets engine at: team/\n');
    assert.match(ok(await w.run(['secrets', 'list'])), /team\/\s+kv\s+\S+\s+Team secrets/);
    assert.equal(ok(await w.run(['secrets', 'tune', '-max-lease-ttl=2h', 'team'])), 'Success! Tuned the secrets engine at: team/\n');
    assert.match(ok(await w.run(['secrets', 'list', '-detailed'])), /team\/\s+kv\s+\S+\s+system\s+2h/);
    assert.match(ok(await w.run(['secrets', 'move', 'team', 'team2'])), /^Success! /);
    assert.match(ok(await w.run(['secrets', 'list', '-format=json'])), /"team2\/"/);
    assert.equal(ok(await w.run(['secrets', 'disable', 'team2'])), 'Success! Disabled the secrets engine (if it existed) at: team2/\n');
    const dup = await w.run(['secrets', 'enable', '-path=secret', 'kv']);
    assert.equal(dup.code, 2);
    assert.match(dup.err, /^Error enabling: /);
  });

  test('policy write, read, list, delete, fmt', async () => {
    fs.writeFileSync(`${w.home}/app.hcl`, 'path "secret/data/app/*" {\n capabilities=["read","list"]\n}\n');
    assert.equal(ok(await w.run(['policy', 'write', 'app', 'app.hcl'])), 'Success! Uploaded policy: app\n');
    assert.match(ok(await w.run(['policy', 'read', 'app'])), /secret\/data\/app\/\*/);
    // As `vault policy read -format=json`: {"policy": "<text>"}, not the response envelope.
    const asJson = JSON.parse(ok(await w.run(['policy', 'read', '-format=json', 'app']))) as unknown;
    assert.deepEqual(asJson, { policy: fs.readFileSync(`${w.home}/app.hcl`, 'utf8') });
    assert.match(ok(await w.run(['policy', 'list'])), /^app$/m);
    assert.equal(ok(await w.run(['policy', 'delete', 'app'])), 'Success! Deleted policy: app\n');
    const missing = await w.run(['policy', 'read', 'app']);
    assert.equal(missing.code, 2);
    assert.equal(missing.err, 'No policy named: app\n');
    const bad = await w.run(['policy', 'write', 'bad', '-'], { stdin: 'path "x" { capabilities = ["fly"] }' });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^Error uploading policy: /);
    assert.equal(ok(await w.run(['policy', 'fmt', 'app.hcl'])), 'Success! Formatted policy: app.hcl\n');
    assert.equal(fs.readFileSync(`${w.home}/app.hcl`, 'utf8'), 'path "secret/data/app/*" {\n  capabilities = ["read", "list"]\n}\n');
  });

  test('audit enable, list, verify (intact and tampered), disable', async () => {
    const log = `${w.home}/audit.log`;
    assert.equal(ok(await w.run(['audit', 'enable', 'file', `file_path=${log}`])), 'Success! Enabled the file audit device at: file/\n');
    assert.match(ok(await w.run(['audit', 'list'])), /^Path {5}Type {4}Description\n---- {5}---- {4}-----------\nfile\/ {4}file {4}n\/a\n$/);
    ok(await w.run(['kv', 'put', 'secret/audited', 'a=1']));
    ok(await w.run(['kv', 'get', 'secret/audited']));
    assert.match(ok(await w.run(['audit', 'verify', 'audit.log'])), /^Success! Verified \d+ audit records/);
    ok(await w.run(['audit', 'disable', 'file']));
    const lines = fs.readFileSync(log, 'utf8').split('\n');
    lines[1] = (lines[1] ?? '').replace('"type"', '"typ"');
    fs.writeFileSync(log, lines.join('\n'));
    const r = await w.run(['audit', 'verify', 'audit.log']);
    assert.equal(r.code, 1);
    assert.match(r.err, /line \d+/);
    assert.equal((await w.run(['audit', 'verify', 'nope.log'])).code, 1);
  });

  test('audit verify against the server\'s checkpoint shows a cut-off tail', async () => {
    const log = `${w.home}/cut.log`;
    ok(await w.run(['audit', 'enable', '-path=cut', 'file', `file_path=${log}`]));
    ok(await w.run(['kv', 'put', 'secret/cut', 'a=1']));
    ok(await w.run(['kv', 'get', 'secret/cut']));
    assert.match(ok(await w.run(['audit', 'verify', '-checkpoint-from=cut', 'cut.log'])), /^Success! Verified \d+ audit records/);
    const head = (await w.run(['read', '-format=json', 'sys/audit-head/cut'])).out;
    const { seq, hash } = (JSON.parse(head) as { data: { seq: number; hash: string } }).data;
    ok(await w.run(['audit', 'disable', 'cut']));
    // Cut the tail from the checkpoint's record on: the chain that is left is intact.
    const lines = fs.readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
    const kept = lines.filter((l) => (JSON.parse(l) as { seq: number }).seq < seq);
    assert.ok(kept.length > 0 && kept.length < lines.length);
    fs.writeFileSync(log, `${kept.join('\n')}\n`);
    assert.match(ok(await w.run(['audit', 'verify', 'cut.log'])), /^Success!/, 'without a checkpoint the cut does not show');
    const r = await w.run(['audit', 'verify', `-checkpoint=${seq}:${hash}`, 'cut.log']);
    assert.equal(r.code, 1);
    assert.match(r.err, /truncated/);
    assert.equal((await w.run(['audit', 'verify', '-checkpoint=12:nothex', 'cut.log'])).code, 2);
  });

  test('lease errors: unknown lease, -force without -prefix', async () => {
    const r = await w.run(['lease', 'lookup', 'secret/nope/123']);
    assert.equal(r.code, 2);
    assert.match(r.err, /^Error looking up lease: /);
    assert.equal((await w.run(['lease', 'revoke', '-force', 'x/'])).code, 1);
    assert.match(ok(await w.run(['lease', 'revoke', '-prefix', 'nothing/'])), /^Success! Revoked any leases with prefix: nothing\//);
    // Vault's -sync is accepted (arca's revocation is always synchronous).
    assert.match(ok(await w.run(['lease', 'revoke', '-sync', '-prefix', 'nothing/'])), /^Success! Revoked any leases with prefix: nothing\//);
  });

  test('operator key-status and rotate', async () => {
    const before = ok(await w.run(['operator', 'key-status', '-field=term']));
    const out = ok(await w.run(['operator', 'rotate']));
    assert.match(out, /^Success! Rotated key\n\nKey +Value\n/);
    assert.equal(ok(await w.run(['operator', 'key-status', '-field=term'])), String(Number(before) + 1));
  });
});
