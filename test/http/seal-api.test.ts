// HTTP: the seal endpoints of a fresh (not dev) Shamir server, as Vault clients see them:
// `vault status`, health probes and `vault operator init/unseal` call these before any
// unseal, so they must answer (with Vault's bodies and status codes) while sealed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../../src/config/server-config.js';
import { startServer } from '../../src/main/start-server.js';
import { ArcaClient } from '../../src/client/arca-client.js';

interface ShamirWorld {
  readonly client: ArcaClient;
  close(): Promise<void>;
}

async function shamirServer(): Promise<ShamirWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'arca-seal-api-'));
  const server = await startServer({
    listenAddress: '127.0.0.1:0',
    logLevel: 'silent',
    cwd: dir,
    env: {},
    config: buildConfig({ storage: { type: 'inmem' }, seal: { type: 'shamir' } }, {}, dir),
  });
  return {
    client: new ArcaClient({ address: server.address, token: undefined }),
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('an uninitialised server answers sys/health, seal-status, init and leader (never 500)', async () => {
  const w = await shamirServer();
  try {
    const health = await w.client.raw('GET', 'sys/health');
    assert.equal(health.status, 501);
    const body = health.body as Record<string, unknown>;
    assert.equal(body['initialized'], false);
    assert.equal(body['sealed'], true);
    assert.equal((await w.client.raw('GET', 'sys/health?uninitcode=200')).status, 200);

    const status = await w.client.raw('GET', 'sys/seal-status');
    assert.equal(status.status, 200);
    const s = status.body as Record<string, unknown>;
    assert.equal(s['type'], 'shamir');
    assert.equal(s['initialized'], false);
    assert.equal(s['sealed'], true);
    assert.equal(s['t'], 0);
    assert.equal(s['n'], 0);
    assert.equal(s['progress'], 0);

    const init = await w.client.raw('GET', 'sys/init');
    assert.equal(init.status, 200);
    assert.deepEqual(init.body, { initialized: false });
    assert.equal((await w.client.raw('GET', 'sys/leader')).status, 200);
  } finally {
    await w.close();
  }
});

test('initialised but sealed: health 503 (sealedcode overrides), seal-status shows t and n', async () => {
  const w = await shamirServer();
  try {
    const init = await w.client.raw('PUT', 'sys/init', { secret_shares: 3, secret_threshold: 2 });
    assert.equal(init.status, 200);
    assert.equal((init.body as { keys: string[] }).keys.length, 3);
    assert.equal((await w.client.raw('GET', 'sys/health')).status, 503);
    assert.equal((await w.client.raw('GET', 'sys/health?sealedcode=299')).status, 299);
    const s = (await w.client.raw('GET', 'sys/seal-status')).body as Record<string, unknown>;
    assert.deepEqual([s['initialized'], s['sealed'], s['t'], s['n'], s['progress']], [true, true, 2, 3, 0]);
  } finally {
    await w.close();
  }
});

test('sys/init and sys/rekey/init without a split are refused in Vault words, not defaulted to 1-of-1', async () => {
  const w = await shamirServer();
  try {
    const empty = await w.client.raw('PUT', 'sys/init', {});
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.body, { errors: ['invalid seal configuration: shares must be at least one'] });
    const noThreshold = await w.client.raw('PUT', 'sys/init', { secret_shares: 3 });
    assert.deepEqual(noThreshold.body, { errors: ['invalid seal configuration: threshold must be at least one'] });
    assert.deepEqual((await w.client.raw('GET', 'sys/init')).body, { initialized: false });

    const init = (await w.client.raw('PUT', 'sys/init', { secret_shares: 1, secret_threshold: 1 })).body as { keys: string[] };
    await w.client.raw('PUT', 'sys/unseal', { key: init.keys[0] });
    const rekey = await w.client.raw('PUT', 'sys/rekey/init', {});
    assert.equal(rekey.status, 400);
    assert.deepEqual(rekey.body, { errors: ['invalid seal configuration: shares must be at least one'] });
    assert.equal(((await w.client.raw('GET', 'sys/rekey/init')).body as { started: boolean }).started, false);
  } finally {
    await w.close();
  }
});
