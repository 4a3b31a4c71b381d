// Socket device against real sockets: a local TCP server, a unix socket server and a UDP
// socket receive chained lines that verifyAuditLog accepts; a server that goes away fails
// the device (and a broker with only that device refuses), and the device reconnects.
import { test as baseTest } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ArcaError } from '../lib/errors.js';
import { AuditBroker } from './audit-broker.js';
import { SocketAuditDevice } from './socket-audit-device.js';
import { verifyAuditLog } from './verify-audit-log.js';
import { auditHmac } from './audit-hmac.js';
import { SAMPLE_SECRETS, sampleAuditEntry } from './sample-audit-entry.js';

const KEY = Buffer.from('device-key-for-tests-0123456789ab');

/** Every test is bounded: a record that never arrives fails instead of hanging the run. */
function test(name: string, fn: (t: TestContext) => void | Promise<void>): void {
  baseTest(name, { timeout: 30_000 }, fn);
}

/** A stream server that keeps what it receives and can drop its clients. */
class StreamSink {
  text = '';
  private readonly clients = new Set<net.Socket>();
  readonly server: net.Server;
  private received: (() => void) | undefined;

  constructor() {
    this.server = net.createServer((socket) => {
      this.clients.add(socket);
      socket.on('data', (chunk: Buffer) => {
        this.text += chunk.toString('utf8');
        this.received?.();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => this.clients.delete(socket));
    });
  }

  listen(where: number | string): Promise<string> {
    return new Promise((resolve) => {
      this.server.listen(where, () => {
        const a = this.server.address();
        resolve(typeof a === 'string' ? a : `127.0.0.1:${a?.port ?? 0}`);
      });
    });
  }

  /** Resolves once `n` whole lines have arrived. */
  async lines(n: number): Promise<string[]> {
    for (;;) {
      const lines = this.text.split('\n').filter((l) => l !== '');
      if (lines.length >= n && this.text.endsWith('\n')) return lines;
      await new Promise<void>((resolve) => (this.received = resolve));
    }
  }

  /** Stops listening and drops every client; resolves when they are gone. */
  async stop(): Promise<void> {
    const gone = [...this.clients].map((c) => new Promise((resolve) => c.once('close', resolve)));
    for (const c of this.clients) c.destroy();
    await new Promise((resolve) => this.server.close(resolve));
    await Promise.all(gone);
  }
}

async function sink(t: TestContext, where: number | string = 0): Promise<{ sink: StreamSink; address: string }> {
  const s = new StreamSink();
  const address = await s.listen(where);
  t.after(() => s.stop().catch(() => undefined));
  return { sink: s, address };
}

/** The client side sees the peer's FIN/RST within a few ms on loopback. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

test('tcp: records arrive as chained JSON lines, nothing secret in clear', async (t) => {
  const { sink: server, address } = await sink(t);
  const device = new SocketAuditDevice({ address }, KEY);
  await device.open();
  const marker = `MARKER-${process.pid}-${Date.now()}`;
  const e = sampleAuditEntry('request', 'r1');
  await device.log({ ...e, request: { ...e.request, data: { deep: [marker] } } });
  await Promise.all([device.log(sampleAuditEntry('response', 'r1')), device.log(sampleAuditEntry('request', 'r2'))]);
  const lines = await server.lines(3);
  await device.close();
  const text = lines.join('\n') + '\n';
  assert.equal(text.includes(marker), false);
  for (const secret of Object.values(SAMPLE_SECRETS)) assert.equal(text.includes(secret), false, 'a sample secret is in clear');
  assert.ok(text.includes(auditHmac(KEY, marker)));
  assert.deepEqual(await verifyAuditLog({ text }), { ok: true, records: 3, firstSeq: 1, last: device.head() });
  assert.equal(device.ioStats().records, 3);
});

test('unix: a stream socket path works the same, with a prefix', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arca-sock-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const socketPath = path.join(dir, 'audit.sock');
  const { sink: server } = await sink(t, socketPath);
  const device = new SocketAuditDevice({ address: socketPath, socket_type: 'unix', prefix: 'AUDIT: ' }, KEY, true);
  await device.log(sampleAuditEntry('request', 'u1'));
  await device.log(sampleAuditEntry('response', 'u1'));
  const lines = await server.lines(2);
  await device.close();
  assert.ok(lines.every((l) => l.startsWith('AUDIT: {')));
  assert.deepEqual(await verifyAuditLog({ text: lines.join('\n') + '\n' }, { prefix: 'AUDIT: ' }), { ok: true, records: 2, firstSeq: 1, last: device.head() });
});

test('udp: one datagram per record, chained', async (t) => {
  const receiver = dgram.createSocket('udp4');
  const datagrams: string[] = [];
  let arrived: (() => void) | undefined;
  receiver.on('message', (m) => {
    datagrams.push(m.toString('utf8'));
    arrived?.();
  });
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  t.after(() => receiver.close());
  const device = new SocketAuditDevice({ address: `127.0.0.1:${receiver.address().port}`, socket_type: 'udp' }, KEY);
  await Promise.all([1, 2, 3, 4].map((i) => device.log(sampleAuditEntry('request', `d${i}`))));
  while (datagrams.length < 4) await new Promise<void>((resolve) => (arrived = resolve));
  await device.close();
  assert.ok(datagrams.every((d) => d.endsWith('\n') && d.indexOf('\n') === d.length - 1), 'one line per datagram');
  assert.deepEqual(await verifyAuditLog({ text: datagrams.join('') }), { ok: true, records: 4, firstSeq: 1, last: device.head() });
});

test('a server that goes away fails the device and the broker refuses; the device reconnects when it is back', async (t) => {
  const first = await sink(t);
  const port = Number(first.address.split(':')[1]);
  const device = new SocketAuditDevice({ address: first.address, write_timeout: '500ms' }, KEY);
  const broker = new AuditBroker();
  await broker.enable('net', device);
  await broker.logRequest(sampleAuditEntry('request', 'before'));
  const before = await first.sink.lines(1);

  await first.sink.stop();
  await settle();
  await assert.rejects(broker.logRequest(sampleAuditEntry('request', 'lost')), (err: unknown) => err instanceof ArcaError && /no audit device/.test(err.message));
  // Nothing listens: the next batch tries to connect again and fails too.
  await assert.rejects(device.log(sampleAuditEntry('request', 'refused')), /socket device could not write/);
  assert.equal(broker.stats().failed, 1);

  const again = new StreamSink();
  await again.listen(port);
  t.after(() => again.stop().catch(() => undefined));
  await broker.logRequest(sampleAuditEntry('request', 'after'));
  const after = await again.lines(1);
  await broker.close();
  // The new connection carries the chain on from the last record the old one took.
  const firstPart = await verifyAuditLog({ text: before.join('\n') + '\n' });
  assert.ok(firstPart.ok);
  assert.deepEqual(await verifyAuditLog({ text: after.join('\n') + '\n' }, { after: firstPart.last }), { ok: true, records: 1, firstSeq: 2, last: device.head() });
});

test('a server that stops reading fails the batch after write_timeout', async (t) => {
  const held: net.Socket[] = [];
  const server = net.createServer((socket) => {
    socket.pause(); // never reads: the kernel buffers fill and the write cannot finish
    held.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of held) s.destroy();
    server.close();
  });
  const port = (server.address() as net.AddressInfo).port;
  const device = new SocketAuditDevice({ address: `127.0.0.1:${port}`, write_timeout: '300ms' }, KEY, true);
  await device.open();
  const big = sampleAuditEntry('request', 'big');
  const entry = { ...big, request: { ...big.request, data: { blob: Array.from({ length: 4000 }, (_, i) => `value-${i}`) } } };
  const started = Date.now();
  let failure: unknown;
  // Each record is ~300 KB of HMACs; loopback buffers take a few MB before writes stall.
  for (let i = 0; i < 200 && failure === undefined; i++) {
    await Promise.all(Array.from({ length: 8 }, () => device.log(entry))).catch((err: unknown) => (failure = err));
  }
  assert.ok(failure instanceof ArcaError, 'the stalled write must fail');
  assert.match(String((failure.cause as Error | undefined)?.message), /not done within 300 ms/);
  assert.ok(Date.now() - started < 60_000);
  await device.close();
});

test('options: Vault names, validated; unknown ones refused', () => {
  const bad: Record<string, string>[] = [
    {},
    { address: '127.0.0.1' },
    { address: '127.0.0.1:70000' },
    { address: '127.0.0.1:9090', socket_type: 'unixgram' },
    { address: '127.0.0.1:9090', write_timeout: 'soon' },
    { address: '127.0.0.1:9090', write_timeout: '0s' },
    { address: '127.0.0.1:9090', file_path: '/tmp/x' },
    { address: '127.0.0.1:9090', format: 'jsonx' },
  ];
  for (const options of bad) {
    assert.throws(() => new SocketAuditDevice(options, KEY, true), (err: unknown) => err instanceof ArcaError && err.code === 'invalid_request', JSON.stringify(options));
  }
  for (const options of [
    { address: '[::1]:9090', socket_type: 'tcp6', write_timeout: '1.5s', hmac_accessor: 'false', log_raw: 'false', elide_list_responses: 'true', prefix: 'x', format: 'json' },
    { address: '/run/audit.sock', socket_type: 'unix', write_timeout: '3' },
    { address: 'logs.example.com:514', socket_type: 'udp' },
  ]) {
    assert.equal(new SocketAuditDevice(options, KEY, true).type, 'socket');
  }
});

test('enable fails when nothing listens at the address', async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const broker = new AuditBroker();
  await assert.rejects(broker.enable('net', new SocketAuditDevice({ address: `127.0.0.1:${port}` }, KEY, true)), (err: unknown) => err instanceof ArcaError && err.code === 'invalid_request');
  assert.deepEqual(broker.list(), {});
});
