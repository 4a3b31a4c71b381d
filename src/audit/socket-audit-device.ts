// src/audit — Vault's `socket` audit device: the chained JSON lines written to a TCP, UDP or
// unix (stream) socket. Options as in Vault: address (HOST:PORT, [V6]:PORT, or a socket
// path), socket_type (tcp by default; tcp4, tcp6, udp, udp4, udp6, unix), write_timeout
// (default 2s; also bounds connecting), plus the common ones (BatchedAuditDevice).
// Contracts: a batch is one stream write (UDP: one datagram per line) and counts as written
// once the kernel has taken it — a socket gives no acknowledgement from the receiver, as in
// Vault. A write that errors or takes longer than write_timeout fails the whole batch (the
// broker then fails closed unless another device wrote it); the connection is dropped and
// the next batch connects again. Enabling connects, so an unreachable address fails the
// enable; restoring the device at unseal does not wait for it (the broker's deferOpen: the
// first batch connects, and requests are refused until one can).
// The chain lives in this process: it starts from genesis when the device is enabled or the
// server starts, and carries on across reconnects (a batch lost with a connection is rolled
// back and its sequence numbers reused, so a receiver sees where the stream broke).
import type { ChainHead } from './audit-chain.js';
import type { AuditDeviceOptions } from './audit-device.js';
import { BatchedAuditDevice } from './batched-audit-device.js';
import {
  AuditSocketConnection,
  DATAGRAM_SOCKET_TYPES,
  parseSocketTarget,
  parseTimeoutMs,
  STREAM_SOCKET_TYPES,
  type SocketTarget,
} from './audit-socket-connection.js';
import { splitAuditLines } from './split-audit-lines.js';

const DEFAULT_WRITE_TIMEOUT = '2s';

export class SocketAuditDevice extends BatchedAuditDevice {
  private readonly target: SocketTarget;
  private readonly writeTimeoutMs: number;
  private connection: AuditSocketConnection | undefined;

  /** Validates options only; nothing connects until `open()` (or the first write). */
  constructor(options: AuditDeviceOptions, hmacKey: Uint8Array, inThread = false) {
    super('socket', options, hmacKey, ['address', 'socket_type', 'write_timeout'], inThread);
    this.target = parseSocketTarget('socket', options['address'], options['socket_type'] || 'tcp', [...STREAM_SOCKET_TYPES, ...DATAGRAM_SOCKET_TYPES]);
    this.writeTimeoutMs = parseTimeoutMs('socket', 'write_timeout', options['write_timeout'] || DEFAULT_WRITE_TIMEOUT);
  }

  protected override async openOutput(): Promise<ChainHead | undefined> {
    this.connection = await AuditSocketConnection.connect(this.target, this.writeTimeoutMs);
    return undefined;
  }

  protected override async writeBatch(bytes: Buffer): Promise<void> {
    const connection = this.connection;
    if (connection === undefined) throw new Error('audit socket device is not connected');
    // A stream takes the batch whole; a datagram carries one line (its receiver sees records).
    await connection.write(this.target.kind === 'datagram' ? splitAuditLines(bytes, true) : [bytes], this.writeTimeoutMs);
    this.io.writes += 1;
  }

  protected override async closeOutput(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close();
  }
}
