// Unit tests: how the TLS settings are picked from flags and the environment (Vault's rules,
// ARCA_ names over VAULT_ ones). The end-to-end behaviour is in test/cli/cli-tls.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliFailure } from './cli-failure.js';
import { resolveTls } from './resolve-client.js';
import { captureIo } from '../../test/cli/capture-io.js';

const io = (env: Record<string, string>) => captureIo({ env }).io;

test('resolveTls: ARCA_ over VAULT_, empty values ignored, nothing set means verify with defaults', () => {
  assert.deepEqual(resolveTls(io({}), {}), {
    caCert: undefined, caPath: undefined, clientCert: undefined, clientKey: undefined, serverName: undefined, skipVerify: false,
  });
  const env = io({
    ARCA_CACERT: 'a.pem', VAULT_CACERT: 'v.pem', ARCA_CAPATH: '', VAULT_CAPATH: '/v',
    VAULT_CLIENT_CERT: 'c.pem', VAULT_CLIENT_KEY: 'k.pem', ARCA_TLS_SERVER_NAME: 'a.example', VAULT_TLS_SERVER_NAME: 'v.example',
  });
  assert.deepEqual(resolveTls(env, {}), {
    caCert: 'a.pem', caPath: '/v', clientCert: 'c.pem', clientKey: 'k.pem', serverName: 'a.example', skipVerify: false,
  });
});

test('resolveTls: a CA flag or a client flag replaces that whole group from the environment', () => {
  const env = io({ VAULT_CACERT: 'env-ca.pem', VAULT_CLIENT_CERT: 'env-c.pem', VAULT_CLIENT_KEY: 'env-k.pem', VAULT_TLS_SERVER_NAME: 'env.example' });
  const r = resolveTls(env, { 'ca-path': '/flag', 'client-cert': 'flag-c.pem', 'tls-server-name': 'flag.example' });
  assert.equal(r.caCert, undefined);
  assert.equal(r.caPath, '/flag');
  assert.equal(r.clientCert, 'flag-c.pem');
  assert.equal(r.clientKey, undefined, 'the env key does not pair with a flag certificate (Vault: both must be given)');
  assert.equal(r.serverName, 'flag.example');
});

test('resolveTls: skip-verify parses as Go ParseBool; the flag, true or false, wins', () => {
  for (const v of ['1', 't', 'T', 'true', 'TRUE', 'True']) assert.equal(resolveTls(io({ VAULT_SKIP_VERIFY: v }), {}).skipVerify, true, v);
  for (const v of ['0', 'f', 'F', 'false', 'FALSE', 'False']) assert.equal(resolveTls(io({ VAULT_SKIP_VERIFY: v }), {}).skipVerify, false, v);
  assert.equal(resolveTls(io({ ARCA_SKIP_VERIFY: 'false', VAULT_SKIP_VERIFY: 'true' }), {}).skipVerify, false);
  assert.equal(resolveTls(io({ VAULT_SKIP_VERIFY: 'true' }), { 'tls-skip-verify': false }).skipVerify, false);
  assert.equal(resolveTls(io({}), { 'tls-skip-verify': true }).skipVerify, true);
  assert.throws(() => resolveTls(io({ ARCA_SKIP_VERIFY: 'yes' }), {}), (err: unknown) => err instanceof CliFailure && err.exitCode === 2 && /could not parse ARCA_SKIP_VERIFY/.test(err.message));
});
