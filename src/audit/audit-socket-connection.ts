// src/audit — one connection of a network audit device (socket, syslog): a TCP or unix
// stream socket, or a connected UDP socket. Node's `net` has no unix datagram sockets, so
// `unixgram` (and with it /dev/log) is not offered. Contracts:
// - `connect` resolves once the peer accepted (stream) or the UDP socket is bound and
//   connected, and rejects after `timeoutMs`;
// - `write` hands the messages to the kernel: a stream gets them in one write, UDP one
//   datagram per message; it rejects on any error or after `timeoutMs`, and a connection
//   that failed, timed out or was closed by the peer stays dead (`alive` false), so its
//   device drops it and connects again on the next batch;
// - nothing here retries: the device's caller decides (the broker fails closed).
import dgram from 'node:dgram';
import net from 'node:net';
import { ArcaError } from '../lib/errors.js';

export const STREAM_SOCKET_TYPES = ['tcp', 'tcp4', 'tcp6', 'unix'] as const;
export const DATAGRAM_SOCKET_TYPES = ['udp', 'udp4', 'udp6'] as const;
export type SocketType = (typeof STREAM_SOCKET_TYPES)[number] | (typeof DATAGRAM_SOCKET_TYPES)[number];

export type SocketTarget =
  | { readonly kind: 'stream'; readonly type: SocketType; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly type: 'unix'; readonly path: string }
  | { readonly kind: 'datagram'; readonly type: SocketType; readonly host: string; readonly port: number };

const MAX_TIMEOUT_MS = 10 * 60 * 1000;

/** Validates `address` for `socketType` (one of `allowed`); messages name the device type. */
export function parseSocketTarget(device: string, address: string | undefined, socketType: string, allowed: readonly SocketType[]): SocketTarget {
  const type = allowed.find((t) => t === socketType);
  if (type === undefined) {
    throw new ArcaError('invalid_request', `audit ${device} device: option "socket_type" must be one of ${allowed.join(', ')}`);
  }
  if (address === undefined || address === '') throw new ArcaError('invalid_request', `audit ${device} device: option "address" is required`);
  if (address.length > 1024 || address.includes('\0')) throw new ArcaError('invalid_request', `audit ${device} device: "address" is not valid`);
  if (type === 'unix') return { kind: 'unix', type, path: address };
  // host:port, or [v6]:port.
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(address);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !(port >= 1 && port <= 65535)) {
    throw new ArcaError('invalid_request', `audit ${device} device: "address" must be HOST:PORT for socket_type ${type}`);
  }
  const kind = (DATAGRAM_SOCKET_TYPES as readonly string[]).includes(type) ? 'datagram' : 'stream';
  return { kind, type, host, port };
}

/** Go duration ("2s", "500ms", "1m30s") or whole seconds, in ms; positive, at most 10 minutes. */
export function parseTimeoutMs(device: string, name: string, raw: string): number {
  const text = raw.trim();
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };
  let total = 0;
  if (/^\d{1,6}$/.test(text)) {
    total = Number(text) * 1000;
  } else {
    const re = /(\d{1,9}(?:\.\d{1,9})?)(ms|s|m)/y;
    let consumed = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      total += Number(m[1]) * (units[m[2] ?? ''] ?? 0);
      consumed = re.lastIndex;
    }
    if (consumed === 0 || consumed !== text.length) total = Number.NaN;
  }
  if (!(total >= 1 && total <= MAX_TIMEOUT_MS)) {
    throw new ArcaError('invalid_request', `audit ${device} device: option "${name}" must be a duration between 1ms and 10m, such as 2s`);
  }
  return Math.round(total);
}

export class AuditSocketConnection {
  private failure: Error | undefined;

  private constructor(private readonly socket: net.Socket | dgram.Socket) {}

  static async connect(target: SocketTarget, timeoutMs: number): Promise<AuditSocketConnection> {
    const socket = target.kind === 'datagram' ? await connectDatagram(target, timeoutMs) : await connectStream(target, timeoutMs);
    const connection = new AuditSocketConnection(socket);
    connection.watch();
    return connection;
  }

  /** False once the connection failed or the peer closed it. */
  get alive(): boolean {
    return this.failure === undefined;
  }

  write(messages: readonly Buffer[], timeoutMs: number): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const socket = this.socket;
    const sends = socket instanceof net.Socket ? [writeStream(socket, Buffer.concat(messages))] : messages.map((m) => sendDatagram(socket, m));
    return withTimeout(Promise.all(sends).then(() => undefined), timeoutMs, () => {
      this.fail(timeoutError(timeoutMs));
    }).catch((err: unknown) => {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      throw err;
    });
  }

  close(): Promise<void> {
    this.failure ??= new Error('audit socket closed');
    const socket = this.socket;
    if (socket instanceof net.Socket) {
      if (socket.destroyed) return Promise.resolve();
      // end() flushes what the kernel has not taken yet; destroy bounds a peer that never reads.
      return new Promise((resolve) => {
        const timer = setTimeout(() => socket.destroy(), 1000);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.end();
      });
    }
    return new Promise((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }

  private watch(): void {
    const socket = this.socket;
    socket.on('error', (err: Error) => this.fail(err));
    if (socket instanceof net.Socket) {
      // A peer's FIN arrives as 'end' only if incoming data is consumed: drain and ignore it.
      socket.resume();
      socket.on('end', () => this.fail(peerClosed()));
      socket.on('close', () => this.fail(peerClosed()));
    } else {
      socket.on('close', () => this.fail(new Error('audit socket closed')));
    }
  }

  private fail(err: Error): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    if (this.socket instanceof net.Socket) this.socket.destroy();
    else {
      try {
        this.socket.close();
      } catch {
        // already closed
      }
    }
  }
}

function connectStream(target: Exclude<SocketTarget, { kind: 'datagram' }>, timeoutMs: number): Promise<net.Socket> {
  const socket =
    target.kind === 'unix'
      ? net.connect({ path: target.path })
      : net.connect({ host: target.host, port: target.port, ...(target.type === 'tcp4' ? { family: 4 } : target.type === 'tcp6' ? { family: 6 } : {}) });
  const ready = new Promise<net.Socket>((resolve, reject) => {
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', reject);
  });
  return withTimeout(ready, timeoutMs, () => socket.destroy()).catch((err: unknown) => {
    socket.destroy();
    throw err;
  });
}

function connectDatagram(target: Extract<SocketTarget, { kind: 'datagram' }>, timeoutMs: number): Promise<dgram.Socket> {
  const v6 = target.type === 'udp6' || (target.type === 'udp' && target.host.includes(':'));
  const socket = dgram.createSocket(v6 ? 'udp6' : 'udp4');
  const ready = new Promise<dgram.Socket>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(target.port, target.host, () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
  });
  const closeQuietly = (): void => {
    try {
      socket.close();
    } catch {
      // already closed
    }
  };
  return withTimeout(ready, timeoutMs, closeQuietly).catch((err: unknown) => {
    closeQuietly();
    throw err;
  });
}

function writeStream(socket: net.Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}

function sendDatagram(socket: dgram.Socket, message: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.send(message, (err) => (err ? reject(err) : resolve()));
  });
}

/** Rejects with ETIMEDOUT after `ms` (calling `onTimeout` first); the timer never outlives `work`. */
function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(timeoutError(ms));
    }, ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function timeoutError(ms: number): Error {
  const err = new Error(`audit socket: not done within ${ms} ms`) as NodeJS.ErrnoException;
  err.code = 'ETIMEDOUT';
  return err;
}

function peerClosed(): Error {
  const err = new Error('audit socket: the peer closed the connection') as NodeJS.ErrnoException;
  err.code = 'ECONNRESET';
  return err;
}
