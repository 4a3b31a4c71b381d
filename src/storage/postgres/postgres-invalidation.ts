// src/storage/postgres — cache invalidation between nodes sharing one database, over
// LISTEN/NOTIFY. A dedicated connection (not from the pool: pooled clients come and go)
// LISTENs on one channel per table; `notify` sends a key prefix whose cached entries every
// node, the sender included, should drop. If the listening connection breaks, notifications
// may have been missed, so every subscriber is told '' (drop everything) and the listener
// reconnects in the background.
import { createHash } from 'node:crypto';
import pg from 'pg';

/** NOTIFY payloads must stay under 8000 bytes; a shorter prefix only invalidates more. */
const MAX_PAYLOAD_BYTES = 7900;
const RECONNECT_MS = 1000;

export type InvalidateCallback = (keyPrefix: string) => void;

/** The channel for one table: short, deterministic, a valid identifier. */
export function invalidationChannel(schema: string, table: string): string {
  return `arca_inv_${createHash('sha256').update(`${schema}.${table}`).digest('hex').slice(0, 20)}`;
}

export function truncatePayload(prefix: string): string {
  if (Buffer.byteLength(prefix) <= MAX_PAYLOAD_BYTES) return prefix;
  const points = Array.from(prefix);
  let bytes = 0;
  let out = '';
  for (const p of points) {
    bytes += Buffer.byteLength(p);
    if (bytes > MAX_PAYLOAD_BYTES) break;
    out += p;
  }
  return out;
}

export class PostgresInvalidation {
  private readonly subscribers = new Set<InvalidateCallback>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    readonly channel: string,
  ) {}

  /** Subscribes; resolves once LISTEN is active. Returns the unsubscribe function. */
  async subscribe(cb: InvalidateCallback): Promise<() => void> {
    if (this.closed) throw new Error('postgres storage is closed');
    this.subscribers.add(cb);
    try {
      await this.ensureListening();
    } catch (err) {
      this.subscribers.delete(cb);
      throw err;
    }
    return () => {
      this.subscribers.delete(cb);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.subscribers.clear();
    const client = this.client;
    this.client = undefined;
    await this.connecting?.catch(() => undefined);
    await client?.end().catch(() => undefined);
  }

  private ensureListening(): Promise<void> {
    if (this.client !== undefined) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (msg) => {
      if (msg.channel !== this.channel) return;
      this.deliver(msg.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private deliver(prefix: string): void {
    for (const cb of [...this.subscribers]) {
      try {
        cb(prefix);
      } catch {
        // A subscriber's failure must not stop the others from invalidating.
      }
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.deliver('');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.subscribers.size === 0 || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.ensureListening().catch(() => this.scheduleReconnect());
    }, RECONNECT_MS);
    this.timer.unref();
  }
}
