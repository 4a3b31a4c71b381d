// End-to-end: `arca auth …` (mount management with lockout tuning), password login, and TOTP
// self-enrolment with a terminal QR code, against a real dev server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ok, startCliWorld } from './cli-world.js';
import type { CliWorld } from './cli-world.js';

describe('arca auth, login -method=userpass, mfa totp enroll', () => {
  let w: CliWorld;
  before(async () => {
    w = await startCliWorld();
  });
  after(() => w.close());

  test('auth enable, list, tune (lockout), move and disable', async () => {
    assert.match(ok(await w.run(['auth', 'enable', '-path=people', 'userpass'])), /Success! Enabled the userpass auth method at: people\//);
    const listed = ok(await w.run(['auth', 'list']));
    assert.match(listed, /people\/\s+userpass\s+userpass_/);
    assert.match(listed, /token\/\s+token/);
    ok(await w.run(['auth', 'tune', '-user-lockout-threshold=7', '-user-lockout-duration=5m', 'people']));
    const tuned = JSON.parse(ok(await w.run(['read', '-format=json', 'sys/auth/people/tune']))) as { data: { user_lockout_config: { lockout_threshold: number; lockout_duration: number } } };
    assert.deepEqual(tuned.data.user_lockout_config.lockout_threshold, 7);
    assert.deepEqual(tuned.data.user_lockout_config.lockout_duration, 300);
    // Vault's PrintRawField: a null field (the root token's expire_time) is "not present", exit 1.
    const noExpiry = await w.run(['token', 'lookup', '-field=expire_time']);
    assert.deepEqual([noExpiry.code, noExpiry.out, noExpiry.err], [1, '', 'Field "expire_time" not present in secret\n']);
    const misuse = await w.run(['secrets', 'tune', '-user-lockout-threshold=3', 'secret']);
    assert.equal(misuse.code, 1);
    assert.match(ok(await w.run(['auth', 'move', 'people', 'staff'])), /staff\//);
    assert.match(ok(await w.run(['auth', 'list'])), /staff\//);
    ok(await w.run(['auth', 'disable', 'staff']));
    assert.doesNotMatch(ok(await w.run(['auth', 'list'])), /staff\//);
  });

  test('login -method=userpass prompts for the password and stores the token; mfa totp enroll shows a QR code', async () => {
    ok(await w.run(['auth', 'enable', 'userpass']));
    // Self-enrolment is granted explicitly (the default policy does not include it).
    const policy = `${w.home}/mfa-self.hcl`;
    fs.writeFileSync(policy, 'path "identity/mfa/method/totp/generate" {\n  capabilities = ["update"]\n}\n');
    ok(await w.run(['policy', 'write', 'mfa-self', policy]));
    ok(await w.run(['write', 'auth/userpass/users/carol', 'password=pw-carol-123', 'token_policies=mfa-self']));
    const noEnv = { ARCA_TOKEN: undefined };
    const out = ok(await w.run(['login', '-method=userpass', 'username=carol'], { env: noEnv, stdin: 'pw-carol-123\n' }));
    assert.match(out, /Success! You are now authenticated/);
    assert.doesNotMatch(out, /pw-carol-123/);
    const method = (JSON.parse(ok(await w.run(['write', '-format=json', 'identity/mfa/method/totp', 'issuer=Arca']))) as { data: { method_id: string } }).data.method_id;
    const png = `${w.home}/qr.png`;
    const enrolled = ok(await w.run(['mfa', 'totp', 'enroll', `-png=${png}`, method], { env: noEnv }));
    assert.match(enrolled, /otpauth:\/\/totp\/Arca:/);
    assert.match(enrolled, /[▀▄█]/u, 'a terminal QR code');
    assert.ok(fs.readFileSync(png).subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])));
    assert.equal(fs.statSync(png).mode & 0o777, 0o600);
    const again = await w.run(['mfa', 'totp', 'enroll', method], { env: noEnv });
    assert.equal(again.code, 2);
    assert.match(again.err, /already enrolled/);
  });
});
