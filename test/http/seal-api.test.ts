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

test('sys/unseal reset discards progress and ignores a key sent with it; refused once unsealed', async () => {
  const w = await shamirServer();
  try {
    const { keys } = (await w.client.raw('PUT', 'sys/init', { secret_shares: 3, secret_threshold: 2 })).body as { keys: string[] };
    const first = (await w.client.raw('PUT', 'sys/unseal', { key: keys[0] })).body as { progress: number; nonce: string };
    assert.equal(first.progress, 1);
    assert.notEqual(first.nonce, '');
    // The same key again is ignored (Vault's recordUnsealPart), not an error.
    const again = await w.client.raw('PUT', 'sys/unseal', { key: keys[0] });
    assert.equal(again.status, 200);
    assert.equal((again.body as { progress: number }).progress, 1);

    const reset = await w.client.raw('PUT', 'sys/unseal', { reset: true, key: keys[1] });
    assert.equal(reset.status, 200);
    const r = reset.body as { sealed: boolean; progress: number; nonce: string };
    assert.deepEqual([r.sealed, r.progress, r.nonce], [true, 0, '']);

    await w.client.raw('PUT', 'sys/unseal', { key: keys[1] });
    const open = (await w.client.raw('PUT', 'sys/unseal', { key: keys[2] })).body as { sealed: boolean; progress: number };
    assert.deepEqual([open.sealed, open.progress], [false, 0]);
    const late = await w.client.raw('PUT', 'sys/unseal', { reset: true });
    assert.equal(late.status, 400);
    assert.deepEqual(late.body, { errors: ['vault is unsealed'] });
  } finally {
    await w.close();
  }
});

test('health and seal-status bodies: sealed is standby with no cluster; unsealed names the cluster', async () => {
  const w = await shamirServer();
  try {
    const { keys } = (await w.client.raw('PUT', 'sys/init', { secret_shares: 1, secret_threshold: 1 })).body as { keys: string[] };
    const sealed = (await w.client.raw('GET', 'sys/health')).body as Record<string, unknown>;
    assert.equal(sealed['standby'], true);
    assert.equal(sealed['enterprise'], false);
    assert.equal('cluster_name' in sealed || 'cluster_id' in sealed, false);
    const sealedStatus = (await w.client.raw('GET', 'sys/seal-status')).body as Record<string, unknown>;
    assert.equal('cluster_name' in sealedStatus || 'cluster_id' in sealedStatus, false);

    await w.client.raw('PUT', 'sys/unseal', { key: keys[0] });
    const active = await w.client.raw('GET', 'sys/health');
    assert.equal(active.status, 200);
    const a = active.body as Record<string, unknown>;
    assert.deepEqual([a['initialized'], a['sealed'], a['standby'], a['performance_standby']], [true, false, false, false]);
    assert.equal(typeof a['cluster_name'], 'string');
    assert.equal(typeof a['cluster_id'], 'string');
    assert.equal(typeof a['server_time_utc'], 'number');
    const status = (await w.client.raw('GET', 'sys/seal-status')).body as Record<string, unknown>;
    assert.equal(typeof status['cluster_id'], 'string');
    // Query overrides of an active node.
    assert.equal((await w.client.raw('GET', 'sys/health?activecode=218')).status, 218);
    assert.equal((await w.client.raw('GET', 'sys/health?standbyok=true&perfstandbyok=true')).status, 200);
    // Vault's parseutil.ParseBool: a bare flag is false, Go's spellings are accepted.
    for (const q of ['standbyok', 'standbyok=True', 'perfstandbyok=t', 'standbyok=FALSE']) {
      assert.equal((await w.client.raw('GET', `sys/health?${q}`)).status, 200, q);
    }
    assert.equal((await w.client.raw('GET', 'sys/health?standbyok=maybe')).status, 400);
  } finally {
    await w.close();
  }
});

test('sys/seal on a sealed node is 204 and changes nothing (Vault); unsealed it needs a sudo token', async () => {
  const w = await shamirServer();
  try {
    const init = (await w.client.raw('PUT', 'sys/init', { secret_shares: 1, secret_threshold: 1 })).body as { keys: string[]; root_token: string };
    assert.equal((await w.client.raw('PUT', 'sys/seal', {})).status, 204);
    assert.equal(((await w.client.raw('GET', 'sys/seal-status')).body as { sealed: boolean }).sealed, true);
    await w.client.raw('PUT', 'sys/unseal', { key: init.keys[0] });
    assert.equal((await w.client.raw('PUT', 'sys/seal', {})).status, 403);
    assert.equal(((await w.client.raw('GET', 'sys/seal-status')).body as { sealed: boolean }).sealed, false);
    assert.equal((await w.client.raw('PUT', 'sys/seal', {}, { 'X-Vault-Token': init.root_token })).status, 204);
    assert.equal(((await w.client.raw('GET', 'sys/seal-status')).body as { sealed: boolean }).sealed, true);
  } finally {
    await w.close();
  }
});
