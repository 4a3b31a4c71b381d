import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { TokenHelper } from './token-helper.js';
import { resolveAddress, resolveClient } from './resolve-client.js';
import { captureIo } from '../../test/cli/capture-io.js';

test('stores the token with mode 0600, even over a looser existing file', () => {
  const home = fs.mkdtempSync(os.tmpdir() + '/arca-');
  try {
    const helper = TokenHelper.fromEnv({ HOME: home });
    assert.equal(helper.read(), undefined);
    fs.writeFileSync(helper.path, 'old', { mode: 0o644 });
    helper.store('s.abc');
    assert.equal(fs.statSync(helper.path).mode & 0o777, 0o600);
    assert.equal(helper.read(), 's.abc');
    helper.erase();
    assert.equal(helper.read(), undefined);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('address and token precedence: flag, ARCA_*, VAULT_*, helper file, default', () => {
  const home = fs.mkdtempSync(os.tmpdir() + '/arca-');
  try {
    new TokenHelper(home).store('from-file');
    const io = (env: Record<string, string>) => captureIo({ env: { HOME: home, ...env } }).io;
    assert.equal(resolveAddress(io({}), undefined), 'http://127.0.0.1:8200');
    assert.equal(resolveAddress(io({ VAULT_ADDR: 'http://v:1' }), undefined), 'http://v:1');
    assert.equal(resolveAddress(io({ VAULT_ADDR: 'http://v:1', ARCA_ADDR: 'http://a:1' }), undefined), 'http://a:1');
    assert.equal(resolveAddress(io({ ARCA_ADDR: 'http://a:1' }), 'http://f:1'), 'http://f:1');
    assert.equal(resolveClient(io({}), undefined).token, 'from-file');
    assert.equal(resolveClient(io({ VAULT_TOKEN: 'v' }), undefined).token, 'v');
    assert.equal(resolveClient(io({ VAULT_TOKEN: 'v', ARCA_TOKEN: 'a' }), undefined).token, 'a');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
