// Syslog device against real sockets: RFC 5424 messages over UDP (one per record) and over
// TCP (octet counting), whose MSG parts are chained lines verifyAuditLog accepts.
import { test as baseTest } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { ArcaError } from '../lib/errors.js';
import { SyslogAuditDevice } from './syslog-audit-device.js';
import { verifyAuditLog } from './verify-audit-log.js';
import { sampleAuditEntry } from './sample-audit-entry.js';

const KEY = Buffer.from('device-key-for-tests-0123456789ab');

/** Every test is bounded: a record that never arrives fails instead of hanging the run. */
function test(name: string, fn: (t: TestContext) => void | Promise<void>): void {
  baseTest(name, { timeout: 30_000 }, fn);
}
const RFC5424 = /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\S+) (\S+) (\d+) - - (.*)$/s;

function parse(message: string): { pri: number; tag: string; pid: number; msg: string } {
  const m = RFC5424.exec(message);
  assert.ok(m, `not an RFC 5424 message: ${message.slice(0, 80)}`);
  return { pri: Number(m[1]), tag: m[4] ?? '', pid: Number(m[5]), msg: m[6] ?? '' };
}

test('udp: one RFC 5424 message per record (AUTH.info, tag arca by default), chained MSG lines', async (t) => {
  const receiver = dgram.createSocket('udp4');
  const messages: string[] = [];
  let arrived: (() => void) | undefined;
  receiver.on('message', (m) => {
    messages.push(m.toString('utf8'));
    arrived?.();
  });
  await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
  t.after(() => receiver.close());
  const device = new SyslogAuditDevice({ address: `127.0.0.1:${receiver.address().port}` }, KEY);
  await device.open();
  await Promise.all([1, 2, 3].map((i) => device.log(sampleAuditEntry('request', `s${i}`))));
  while (messages.length < 3) await new Promise<void>((resolve) => (arrived = resolve));
  await device.close();
  const parsed = messages.map(parse);
  for (const p of parsed) {
    assert.equal(p.pri, 4 * 8 + 6);
    assert.equal(p.tag, 'arca');
    assert.equal(p.pid, process.pid);
    assert.equal(p.msg.includes('\n'), false);
  }
  const text = parsed.map((p) => p.msg + '\n').join('');
  assert.deepEqual(await verifyAuditLog({ text }), { ok: true, records: 3, firstSeq: 1, last: device.head() });
});

test('tcp: octet-counted frames, facility and tag as configured; a daemon that goes away fails the device', async (t) => {
  let buffer = '';
  let arrived: (() => void) | undefined;
  const clients = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    clients.add(socket);
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      arrived?.();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  const device = new SyslogAuditDevice({ address: `127.0.0.1:${port}`, socket_type: 'tcp', facility: 'local3', tag: 'arca-prod', prefix: 'A ' }, KEY, true);
  await device.log(sampleAuditEntry('request', 't1'));
  await device.log(sampleAuditEntry('response', 't1'));

  const frames: string[] = [];
  while (frames.length < 2) {
    const m = /^(\d+) /.exec(buffer);
    const len = Number(m?.[1]);
    if (m !== null && buffer.length >= m[0].length + len) {
      frames.push(Buffer.from(buffer.slice(m[0].length, m[0].length + len), 'latin1').toString('utf8'));
      buffer = buffer.slice(m[0].length + len);
    } else {
      await new Promise<void>((resolve) => (arrived = resolve));
    }
  }
  const parsed = frames.map(parse);
  assert.deepEqual(parsed.map((p) => [p.pri, p.tag]), [[19 * 8 + 6, 'arca-prod'], [19 * 8 + 6, 'arca-prod']]);
  const text = parsed.map((p) => p.msg + '\n').join('');
  assert.deepEqual(await verifyAuditLog({ text }, { prefix: 'A ' }), { ok: true, records: 2, firstSeq: 1, last: device.head() });

  const gone = [...clients].map((c) => new Promise((resolve) => c.once('close', resolve)));
  for (const c of clients) c.destroy();
  await new Promise((resolve) => server.close(resolve));
  await Promise.all(gone);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await assert.rejects(device.log(sampleAuditEntry('request', 't2')), /syslog device could not write/);
  await device.close();
});

test('options: facility and tag validated, unknown options refused', () => {
  for (const options of [{ facility: 'NOPE' }, { tag: 'has space' }, { tag: 'x'.repeat(49) }, { socket_type: 'unix' }, { file_path: '/tmp/x' }, { address: 'no-port' }]) {
    assert.throws(() => new SyslogAuditDevice(options, KEY, true), (err: unknown) => err instanceof ArcaError && err.code === 'invalid_request', JSON.stringify(options));
  }
  assert.equal(new SyslogAuditDevice({}, KEY, true).type, 'syslog');
  assert.equal(new SyslogAuditDevice({ facility: 'auth', tag: 'vault', hmac_accessor: 'false' }, KEY, true).type, 'syslog');
});
