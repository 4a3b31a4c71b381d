// src/audit — Vault's `syslog` audit device: each chained JSON line as one RFC 5424 message
// (syslog-message.ts) at severity info. Options: facility (default AUTH) and tag (default
// "arca"; Vault's is "vault"), plus the common ones (BatchedAuditDevice).
// Difference from Vault: Vault writes to the local syslog socket (/dev/log, a unix datagram
// socket). Node cannot open unix datagram sockets without a native addon, so Arca sends to a
// syslog daemon's network listener instead: `address` (default 127.0.0.1:514) and
// `socket_type` udp (default: one datagram per record) or tcp (RFC 6587 octet counting,
// "LEN SP MSG", which carries records larger than a datagram). Both are Arca's options.
// Failure semantics are the socket device's: a send that errors or exceeds write_timeout
// (default 2s) fails the batch, the next batch connects again. Over UDP a daemon that is
// down is not always noticed (only when the kernel reports the port unreachable), as for
// Vault's socket device over UDP: pair this device with a file device.
import { hostname } from 'node:os';
import type { ChainHead } from './audit-chain.js';
import type { AuditDeviceOptions } from './audit-device.js';
import { BatchedAuditDevice } from './batched-audit-device.js';
import { AuditSocketConnection, parseSocketTarget, parseTimeoutMs, type SocketTarget } from './audit-socket-connection.js';
import { splitAuditLines } from './split-audit-lines.js';
import { formatSyslogMessage, parseSyslogFacility, parseSyslogTag, syslogHostname, type SyslogHeader } from './syslog-message.js';

const DEFAULT_ADDRESS = '127.0.0.1:514';
const DEFAULT_WRITE_TIMEOUT = '2s';

export class SyslogAuditDevice extends BatchedAuditDevice {
  private readonly target: SocketTarget;
  private readonly writeTimeoutMs: number;
  private readonly header: SyslogHeader;
  private connection: AuditSocketConnection | undefined;

  /** Validates options only; nothing connects until `open()` (or the first write). */
  constructor(options: AuditDeviceOptions, hmacKey: Uint8Array, inThread = false) {
    super('syslog', options, hmacKey, ['facility', 'tag', 'address', 'socket_type', 'write_timeout'], inThread);
    this.header = {
      facility: parseSyslogFacility(options['facility'] || 'AUTH'),
      tag: parseSyslogTag(options['tag'] || 'arca'),
      hostname: syslogHostname(hostname()),
      pid: process.pid,
    };
    this.target = parseSocketTarget('syslog', options['address'] || DEFAULT_ADDRESS, options['socket_type'] || 'udp', ['udp', 'udp4', 'udp6', 'tcp', 'tcp4', 'tcp6']);
    this.writeTimeoutMs = parseTimeoutMs('syslog', 'write_timeout', options['write_timeout'] || DEFAULT_WRITE_TIMEOUT);
  }

  protected override async openOutput(): Promise<ChainHead | undefined> {
    this.connection = await AuditSocketConnection.connect(this.target, this.writeTimeoutMs);
    return undefined;
  }

  protected override async writeBatch(bytes: Buffer): Promise<void> {
    const connection = this.connection;
    if (connection === undefined) throw new Error('audit syslog device is not connected');
    const now = Date.now();
    const messages = splitAuditLines(bytes, false).map((line) => formatSyslogMessage(this.header, now, line));
    const framed = this.target.kind === 'datagram' ? messages : messages.map((m) => Buffer.concat([Buffer.from(`${m.length} `, 'ascii'), m]));
    await connection.write(framed, this.writeTimeoutMs);
    this.io.writes += 1;
  }

  protected override async closeOutput(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close();
  }
}
