// HTTP tests: the socket and syslog audit devices enabled through sys/audit/:path — records
// of real requests reach a local TCP server / UDP receiver as chained lines, options are
// validated (400), and with only a socket device whose server went away requests are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { startTestServer } from './start-test-server.js';
import { verifyAuditLog } from '../../src/audit/verify-audit-log.js';
import { startServer } from '../../src/main/start-server.js';
import { ArcaClient } from '../../src/client/arca-client.js';

function tcpSink(port = 0): Promise<{ server: net.Server; text: () => string; drop: () => Promise<void>; port: number }> {
  let text = '';
  const clients = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    clients.add(socket);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => clients.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      resolve({
        server,
        text: () => text,
        port: (server.address() as net.AddressInfo).port,
        drop: async () => {
          const gone = [...clients].map((c) => new Promise((r) => c.once('close', r)));
          for (const c of clients) c.destroy();
          await new Promise((r) => server.close(r));
          await Promise.all(gone);
        },
      });
    });
  });
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), `timed out waiting for ${what}`);
}

test('PUT sys/audit/net type=socket: requests are recorded on the TCP server; a server gone refuses requests', { timeout: 60_000 }, async () => {
  const t = await startTestServer();
  const sink = await tcpSink();
  try {
    await t.client.write('sys/audit/net', { type: 'socket', options: { address: `127.0.0.1:${sink.port}` } });
    const listing = (await t.client.read('sys/audit')).body as { data: Record<string, { type: string; options: Record<string, string> }> };
    assert.equal(listing.data['net/']?.type, 'socket');
    assert.deepEqual(listing.data['net/']?.options, { address: `127.0.0.1:${sink.port}` });

    await t.client.write('secret/data/app', { data: { password: 'never-clear' } });
    await until('the write records', () => sink.text().includes('"secret/data/app"') && sink.text().split('\n').length > 4);
    const text = sink.text().slice(0, sink.text().lastIndexOf('\n') + 1);
    assert.equal(text.includes('never-clear'), false);
    const verified = await verifyAuditLog({ text });
    assert.ok(verified.ok, JSON.stringify(verified));

    const bad = await t.client.raw('PUT', 'sys/audit/bad', { type: 'socket', options: { address: `127.0.0.1:${sink.port}`, file_path: '/tmp/x' } });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /unknown option \\"file_path\\"/);
    const noAddress = await t.client.raw('PUT', 'sys/audit/bad', { type: 'socket', options: {} });
    assert.equal(noAddress.status, 400);

    await sink.drop();
    await new Promise((r) => setTimeout(r, 50));
    const refused = await t.client.raw('GET', 'secret/data/app');
    assert.equal(refused.status, 500, 'fail closed with the only device unable to write');
    assert.equal(JSON.stringify(refused.body).includes('never-clear'), false);
  } finally {
    await sink.drop().catch(() => undefined);
    await t.close();
  }
});

test('PUT sys/audit/:path type=socket with nothing listening is 400 (Vault tests a new device), mounts and stores nothing', { timeout: 60_000 }, async () => {
  const t = await startTestServer({});
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  let again: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const res = await t.client.raw('PUT', 'sys/audit/down', { type: 'socket', options: { address: `127.0.0.1:${port}` } });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(res.body), /audit device at \\"down\/\\" could not be opened/);
    const listing = (await t.client.read('sys/audit')).body as { data: Record<string, unknown> };
    assert.deepEqual(Object.keys(listing.data), []);
    assert.equal((await t.client.raw('GET', 'sys/mounts')).status, 200, 'no device: requests are served');

    // Nothing was stored: a restart on the same data dir has no device to restore either.
    await t.server.close();
    again = await startServer({ listenAddress: '127.0.0.1:0', logLevel: 'silent', cwd: t.dataDir, env: { ARCA_DATA_DIR: t.dataDir } });
    const client = new ArcaClient({ address: again.address, token: t.server.rootToken });
    const after = await client.raw('GET', 'sys/audit');
    assert.equal(after.status, 200);
    assert.deepEqual(Object.keys((after.body as { data: Record<string, unknown> }).data), []);
  } finally {
    await again?.close();
    await t.close();
  }
});

test('PUT sys/audit/syslog type=syslog over UDP: RFC 5424 messages carry the chained lines', { timeout: 60_000 }, async () => {
  const t = await startTestServer();
  const receiver = dgram.createSocket('udp4');
  const messages: string[] = [];
  receiver.on('message', (m) => messages.push(m.toString('utf8')));
  await new Promise<void>((r) => receiver.bind(0, '127.0.0.1', r));
  try {
    await t.client.write('sys/audit/syslog', { type: 'syslog', options: { address: `127.0.0.1:${receiver.address().port}`, facility: 'LOCAL0' } });
    await t.client.read('sys/mounts');
    await until('the read records', () => messages.some((m) => m.includes('"sys/mounts"') && m.includes('"response"')));
    assert.ok(messages.every((m) => m.startsWith('<134>1 ') && m.includes(' arca ')), 'LOCAL0.info with tag arca');
    const text = messages.map((m) => m.slice(m.indexOf(' - - ') + 5) + '\n').join('');
    const verified = await verifyAuditLog({ text });
    assert.ok(verified.ok, JSON.stringify(verified));
    assert.equal((await t.client.raw('PUT', 'sys/audit/s2', { type: 'syslog', options: { facility: 'NOPE' } })).status, 400);
  } finally {
    receiver.close();
    await t.close();
  }
});

test('a socket device whose receiver is down at start does not stop the unseal: requests are refused until it is back', { timeout: 60_000 }, async () => {
  const t = await startTestServer({});
  let sink = await tcpSink();
  const port = sink.port;
  let again: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    await t.client.write('sys/audit/net', { type: 'socket', options: { address: `127.0.0.1:${port}` } });
    await t.client.write('secret/data/app', { data: { password: 'p' } });
    await t.server.close();
    await sink.drop();

    // Restart on the same data dir with nothing listening: it unseals and serves health...
    again = await startServer({ listenAddress: '127.0.0.1:0', logLevel: 'silent', cwd: t.dataDir, env: { ARCA_DATA_DIR: t.dataDir } });
    assert.equal(again.core.sealed, false);
    const client = new ArcaClient({ address: again.address, token: t.server.rootToken });
    const listing = (await client.raw('GET', 'sys/audit')).status;
    assert.equal(listing, 500, 'even the listing is refused: nothing can record it');
    assert.equal((await client.raw('GET', 'secret/data/app')).status, 500, 'fail closed while the receiver is down');

    // ...and serves again on its own once the receiver is back on its address.
    sink = await tcpSink(port);
    const read = await client.raw('GET', 'secret/data/app');
    assert.equal(read.status, 200);
    await until('the read recorded', () => sink.text().includes('"secret/data/app"'));
  } finally {
    await again?.close();
    await sink.drop().catch(() => undefined);
    await t.close();
  }
});
