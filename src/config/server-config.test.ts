import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig, loadServerConfig } from './server-config.js';

test('defaults: sqlite in ./arca-data, key-file seal, 127.0.0.1:8200', () => {
  const c = buildConfig({}, {}, '/srv');
  assert.equal(c.dataDir, '/srv/arca-data');
  assert.deepEqual(c.storage, { type: 'sqlite', path: '/srv/arca-data/arca.db' });
  assert.deepEqual(c.seal, { type: 'keyfile', path: '/srv/arca-data/unseal.key' });
  assert.equal(c.listener.address, '127.0.0.1:8200');
  assert.equal(c.listener.tlsDisable, true);
});

test('environment overrides the file', () => {
  const c = buildConfig({ storage: { type: 'inmem' }, log_level: 'warn' }, { ARCA_DATA_DIR: '/d', ARCA_STORAGE: 'postgres', ARCA_POSTGRES_URL: 'postgres://x@h/db' }, '/srv');
  assert.equal(c.dataDir, '/d');
  assert.deepEqual(c.storage, { type: 'postgres', connectionUrl: 'postgres://x@h/db' });
  assert.equal(c.logLevel, 'warn');
});

test('unknown keys and wrong types are errors naming the key', () => {
  assert.throws(() => buildConfig({ listner: {} }, {}, '/'), /unknown key "listner"/);
  assert.throws(() => buildConfig({ listener: { adress: 'x' } }, {}, '/'), /unknown key "adress" in listener/);
  assert.throws(() => buildConfig({ storage: { type: 'mysql' } }, {}, '/'), /storage.type/);
  assert.throws(() => buildConfig({ listener: { tls_cert_file: 'a' } }, {}, '/'), /both tls_cert_file and tls_key_file/);
  assert.throws(() => buildConfig({ max_lease_ttl: 'forever' }, {}, '/'), /max_lease_ttl/);
});

test('reads YAML and JSON files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arca-'));
  writeFileSync(join(dir, 'c.yaml'), 'listener:\n  address: "0.0.0.0:9200"\naudit:\n  - type: file\n    options: { file_path: stdout }\n');
  writeFileSync(join(dir, 'c.json'), '{"storage":{"type":"inmem"}}');
  const y = loadServerConfig({ file: 'c.yaml', env: {}, cwd: dir });
  assert.equal(y.listener.address, '0.0.0.0:9200');
  assert.deepEqual(y.audit, [{ type: 'file', path: 'file/', options: { file_path: 'stdout' } }]);
  assert.deepEqual(loadServerConfig({ file: 'c.json', env: {}, cwd: dir }).storage, { type: 'inmem' });
  assert.throws(() => loadServerConfig({ file: 'missing.yaml', env: {}, cwd: dir }), /cannot read config file/);
});

test('a config parse error gives a position, never the file content', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arca-'));
  writeFileSync(join(dir, 'bad.json'), '{"storage": {"connection_url": postgres://u:s3cret-pw@h/db}}');
  writeFileSync(join(dir, 'bad.yaml'), 'storage:\n  connection_url: postgres://u:s3cret-pw@h/db\n    bad: [\n');
  for (const file of ['bad.json', 'bad.yaml']) {
    assert.throws(
      () => loadServerConfig({ file, env: {}, cwd: dir }),
      (err: unknown) => err instanceof Error && /is not valid/.test(err.message) && !err.message.includes('s3cret'),
    );
  }
  assert.throws(() => loadServerConfig({ file: 'bad.yaml', env: {}, cwd: dir }), /at line \d+, column \d+/);
});

test('audit_worker: auto by default, or a boolean', () => {
  assert.equal(buildConfig({}, {}, '/').auditWorker, 'auto');
  assert.equal(buildConfig({ audit_worker: 'auto' }, {}, '/').auditWorker, 'auto');
  assert.equal(buildConfig({ audit_worker: true }, {}, '/').auditWorker, 'on');
  assert.equal(buildConfig({ audit_worker: 'false' }, {}, '/').auditWorker, 'off');
  assert.throws(() => buildConfig({ audit_worker: 'sometimes' }, {}, '/'), /audit_worker must be auto, true or false/);
});

test('cache_size and disable_cache, as in Vault', () => {
  assert.equal(buildConfig({}, {}, '/').cacheSize, 32_768);
  assert.equal(buildConfig({ cache_size: 1000 }, {}, '/').cacheSize, 1000);
  assert.equal(buildConfig({ cache_size: '500' }, {}, '/').cacheSize, 500);
  assert.equal(buildConfig({ cache_size: 1000, disable_cache: true }, {}, '/').cacheSize, 0);
  assert.throws(() => buildConfig({ cache_size: -1 }, {}, '/'), /cache_size/);
  assert.throws(() => buildConfig({ cache_size: 'lots' }, {}, '/'), /cache_size/);
  assert.throws(() => buildConfig({ disable_cache: 'yes' }, {}, '/'), /disable_cache/);
});

test('audit devices: file, socket and syslog, each at its type name unless a path is given', () => {
  const c = buildConfig({ audit: [{ type: 'socket', options: { address: '127.0.0.1:9090', write_timeout: '1s' } }, { type: 'syslog', path: 'sys-log' }] }, {}, '/srv');
  assert.deepEqual(c.audit, [
    { type: 'socket', path: 'socket/', options: { address: '127.0.0.1:9090', write_timeout: '1s' } },
    { type: 'syslog', path: 'sys-log/', options: {} },
  ]);
  assert.throws(() => buildConfig({ audit: [{ type: 'kafka' }] }, {}, '/'), /audit\[0\]\.type must be one of "file", "socket", "syslog"/);
});
