// Two server nodes sharing one PostgreSQL table: any node serves any request, and a policy
// or mount change made on one node takes effect on the other without a restart (caches are
// invalidated through LISTEN/NOTIFY), and each node caches reads, dropping what another
// node writes when its notification arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningServer } from '../../src/main/start-server.js';
import { ArcaClient } from '../../src/client/arca-client.js';
import { skipUnlessService } from '../support/services.js';
import { startPostgresNodes } from '../support/postgres-nodes.js';

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for: ${what}`);
}

test('two nodes on one PostgreSQL database see each other\'s policy and mount changes', { skip: await skipUnlessService('PostgreSQL', 5432) }, async () => {
  const cluster = await startPostgresNodes(2);
  const [a, b] = cluster.nodes as [RunningServer, RunningServer];
  try {
    assert.equal(b.core.sealed, false, 'the second node unseals from the shared key file');
    const rootA = new ArcaClient({ address: a.address, token: a.rootToken });
    await rootA.write('secret/data/app', { data: { v: '1' } });
    await rootA.write('sys/policies/acl/app', { policy: 'path "secret/data/app" { capabilities = ["read"] }' });
    const token = ((await rootA.write('auth/token/create', { policies: ['app'] })).body as { auth: { client_token: string } }).auth.client_token;
    const onB = new ArcaClient({ address: b.address, token });
    assert.equal((await onB.raw('GET', 'secret/data/app')).status, 200, 'a token made on A works on B');

    await rootA.write('sys/policies/acl/app', { policy: 'path "secret/data/other" { capabilities = ["read"] }' });
    await eventually(async () => (await onB.raw('GET', 'secret/data/app')).status === 403, 'B applies the narrowed policy');

    await rootA.write('sys/mounts/team', { type: 'kv', options: { version: '2' } });
    const rootB = new ArcaClient({ address: b.address, token: a.rootToken });
    await eventually(async () => (await rootB.raw('PUT', 'team/data/x', { data: { y: '1' } })).status === 200, 'B routes the mount enabled on A');
    await rootB.delete('sys/mounts/team');
    await eventually(async () => (await rootA.raw('GET', 'team/data/x')).status === 404, 'A drops the mount disabled on B');
  } finally {
    await cluster.close();
  }
});

test('two nodes on one PostgreSQL database: each caches hot reads, and a write or revocation on one reaches the other', { skip: await skipUnlessService('PostgreSQL', 5432) }, async () => {
  const cluster = await startPostgresNodes(2);
  const [a, b] = cluster.nodes as [RunningServer, RunningServer];
  try {
    const rootA = new ArcaClient({ address: a.address, token: a.rootToken });
    await rootA.write('sys/policies/acl/reader', { policy: 'path "secret/data/*" { capabilities = ["read"] }' });
    await rootA.write('secret/data/hot', { data: { v: '1' } });
    const token = ((await rootA.write('auth/token/create', { policies: ['reader'] })).body as { auth: { client_token: string } }).auth.client_token;
    const onB = new ArcaClient({ address: b.address, token });
    const valueOnB = async (): Promise<unknown> => ((await onB.raw('GET', 'secret/data/hot')).body as { data?: { data?: { v?: unknown } } }).data?.data?.v;
    assert.equal(await valueOnB(), '1');
    assert.ok(b.core.barrier.cacheLive && b.core.barrier.cachedEntries > 0, 'B serves the token and the secret from its cache');

    await rootA.write('secret/data/hot', { data: { v: '2' } });
    await eventually(async () => (await valueOnB()) === '2', 'B reads the version written on A');

    await rootA.write('auth/token/revoke', { token });
    await eventually(async () => (await onB.raw('GET', 'secret/data/hot')).status === 403, 'B refuses the token revoked on A');
  } finally {
    await cluster.close();
  }
});

test('two nodes on one PostgreSQL database: a kv mount tuned to version 2 on one node serves v2 on the other', { skip: await skipUnlessService('PostgreSQL', 5432) }, async () => {
  const cluster = await startPostgresNodes(2);
  const [a, b] = cluster.nodes as [RunningServer, RunningServer];
  try {
    const rootA = new ArcaClient({ address: a.address, token: a.rootToken });
    const rootB = new ArcaClient({ address: b.address, token: a.rootToken });
    await rootA.write('sys/mounts/up', { type: 'kv', options: { version: '1' } });
    await rootA.write('up/app', { v: '1' });
    await eventually(async () => (await rootB.raw('GET', 'up/app')).status === 200, 'B routes the v1 mount');
    const tuned = await rootA.raw('POST', 'sys/mounts/up/tune', { options: { version: '2' } });
    assert.equal(tuned.status, 200);
    const v2OnB = async (): Promise<unknown> => ((await rootB.raw('GET', 'up/data/app')).body as { data?: { data?: { v?: unknown } } }).data?.data?.v;
    await eventually(async () => (await v2OnB()) === '1', 'B rebuilds the backend as v2 and reads the upgraded secret');
  } finally {
    await cluster.close();
  }
});

test('two nodes on one PostgreSQL database: concurrent KV writes to one key lose no version and check-and-set lets one win', { skip: await skipUnlessService('PostgreSQL', 5432) }, async () => {
  const cluster = await startPostgresNodes(2);
  const [a, b] = cluster.nodes as [RunningServer, RunningServer];
  try {
    const clients = [a, b].map((node) => new ArcaClient({ address: node.address, token: a.rootToken }));
    const writeOn = (i: number, body: unknown): Promise<{ status: number; body: unknown }> =>
      (clients[i % 2] as ArcaClient).raw('POST', 'secret/data/contended', body);

    // Twenty writers on both nodes at once: each gets its own version, none is lost.
    const plain = await Promise.all(Array.from({ length: 20 }, (_, i) => writeOn(i, { data: { n: i } })));
    assert.deepEqual(plain.map((r) => r.status), Array(20).fill(200));
    const versions = plain.map((r) => (r.body as { data: { version: number } }).data.version).sort((x, y) => x - y);
    assert.deepEqual(versions, Array.from({ length: 20 }, (_, i) => i + 1));

    // Ten creators with cas=0 on a new key: exactly one wins, the others are refused.
    const creators = await Promise.all(Array.from({ length: 10 }, (_, i) => (clients[i % 2] as ArcaClient).raw('POST', 'secret/data/claimed', { options: { cas: 0 }, data: { owner: i } })));
    assert.equal(creators.filter((r) => r.status === 200).length, 1);
    assert.ok(creators.every((r) => r.status === 200 || r.status === 400), JSON.stringify(creators.map((r) => r.status)));
    const meta = (await clients[0]!.raw('GET', 'secret/metadata/claimed')).body as { data: { current_version: number } };
    assert.equal(meta.data.current_version, 1);
  } finally {
    await cluster.close();
  }
});
