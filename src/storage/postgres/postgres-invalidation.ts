// src/storage/postgres — cache invalidation between nodes sharing one database, over
// LISTEN/NOTIFY. A dedicated connection (not from the pool: pooled clients come and go)
// LISTENs on two channels per table: on the prefix channel a node announces a key prefix
// whose cached state every node, the sender included, should drop (policies, mounts,
// identity); on the key channel every write to the table announces its key, from inside the
// writing statement, so it is delivered exactly when the write commits (see
// postgres-physical.ts).
//
// Notifications sent while the connection is down are lost for good, so when it breaks,
// prefix subscribers are told '' (drop everything) and key watchers `live(false)`; once it
// is back (retried every second) they are told '' / `live(true)` again, since anything
// cached in between may have missed a change. A connection that stops answering without
// breaking (a half-open TCP link) is caught by a heartbeat: the listener notifies a channel
// of its own every second and treats the connection as lost when that does not come back
// within a few seconds.
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import type { KeyWatcher } from '../storage.js';

/** NOTIFY payloads must stay under 8000 bytes; a shorter prefix only invalidates more. */
const MAX_PAYLOAD_BYTES = 7900;
const RECONNECT_MS = 1000;

export interface InvalidationTiming {
  /** How often the listener checks its own connection (default 1 s). */
  readonly heartbeatMs: number;
  /** A heartbeat not back within this long means the connection is lost (default 5 s). */
  readonly heartbeatTimeoutMs: number;
}

const DEFAULT_TIMING: InvalidationTiming = { heartbeatMs: 1000, heartbeatTimeoutMs: 5000 };

export type InvalidateCallback = (keyPrefix: string) => void;

/** The channel for one table: short, deterministic, a valid identifier. */
export function invalidationChannel(schema: string, table: string): string {
  return `arca_inv_${createHash('sha256').update(`${schema}.${table}`).digest('hex').slice(0, 20)}`;
}

/** The application_name of the listening connection for a table's channel. */
export function listenerName(channel: string): string {
  return `arca_listen_${channel.slice('arca_inv_'.length)}`;
}

/** The channel on which every write to the table announces its key. */
export function keyChannel(schema: string, table: string): string {
  return `arca_key_${invalidationChannel(schema, table).slice('arca_inv_'.length)}`;
}

/**
 * What a write announces on the key channel: its key, or '' (anything may have changed)
 * for a key too long for a NOTIFY payload.
 */
export function keyPayload(key: string): string {
  return Buffer.byteLength(key) <= MAX_PAYLOAD_BYTES ? key : '';
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
  private readonly watchers = new Set<KeyWatcher>();
  /** This listener's own heartbeat channel (unique per instance). */
  private readonly pingChannel = `arca_ping_${randomBytes(8).toString('hex')}`;
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** The heartbeat awaited, and since when (ms since the epoch). */
  private pending: { readonly payload: string; readonly since: number } | undefined;
  private pings = 0;
  /** A connection was lost since the last one was made: the next one resets everyone. */
  private missed = false;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    readonly channel: string,
    readonly keysChannel: string,
    private readonly timing: InvalidationTiming = DEFAULT_TIMING,
  ) {}

  /** True while LISTEN is active on a connection that answers its heartbeat. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /**
   * Registers a key watcher (see storage.ts's KeyChangeFeed). It is told `live(true)` once
   * the listener is connected — at once when it already is — and never sees a failure: a
   * listener that cannot connect keeps retrying in the background.
   */
  async watch(watcher: KeyWatcher): Promise<() => void> {
    if (this.closed) throw new Error('postgres storage is closed');
    this.watchers.add(watcher);
    const unwatch = (): void => {
      this.watchers.delete(watcher);
    };
    if (this.client !== undefined) {
      watcher.live(true);
      return unwatch;
    }
    // live(true) comes from connect() when it succeeds; a failure leaves the watcher
    // not live and retries.
    await this.ensureListening().catch(() => this.scheduleReconnect());
    return unwatch;
  }

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
    this.stopHeartbeat();
    this.subscribers.clear();
    this.watchers.clear();
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
    // Named after the channel so an operator (or a test) can find this node's listener.
    const client = new pg.Client({ connectionString: this.connectionString, application_name: listenerName(this.channel), keepAlive: true });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (msg) => {
      if (msg.channel === this.keysChannel) this.deliverKey(msg.payload ?? '');
      else if (msg.channel === this.channel) this.deliver(msg.payload ?? '');
      else if (msg.channel === this.pingChannel && msg.payload === this.pending?.payload) this.pending = undefined;
    });
    try {
      await client.connect();
      // The server keeps a listener's place in its notification queue until the session
      // ends, and a session whose client vanished (a half-open link this side gave up on)
      // ends only when the server notices: by TCP keepalive, two hours by default. Meanwhile
      // the queue cannot be trimmed, and once full (8 GB) every NOTIFY — every write — fails.
      // Ask for probes after 10 s idle, 5 s apart, 3 lost: such a session ends within ~25 s.
      // (Ignored on Unix-socket connections; a server refusing them is not fatal.)
      await client.query('SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3').catch(() => undefined);
      for (const channel of [this.channel, this.keysChannel, this.pingChannel]) {
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      }
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.startHeartbeat(client);
    if (this.missed) {
      this.missed = false;
      this.deliver('');
    }
    for (const watcher of [...this.watchers]) watcher.live(true);
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

  private deliverKey(key: string): void {
    for (const watcher of [...this.watchers]) {
      try {
        watcher.changed(key);
      } catch {
        // As above: one watcher's failure must not keep the key cached in another.
      }
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.stopHeartbeat();
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.missed = true;
    for (const watcher of [...this.watchers]) watcher.live(false);
    this.deliver('');
    this.scheduleReconnect();
  }

  /** Every `heartbeatMs`, one NOTIFY to itself; an answer overdue means a dead connection. */
  private startHeartbeat(client: pg.Client): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      const now = Date.now();
      if (this.pending !== undefined) {
        if (now - this.pending.since >= this.timing.heartbeatTimeoutMs) this.lost(client);
        return;
      }
      const payload = String(++this.pings);
      this.pending = { payload, since: now };
      client.query('SELECT pg_notify($1, $2)', [this.pingChannel, payload]).catch(() => this.lost(client));
    }, this.timing.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.pending = undefined;
  }

  private scheduleReconnect(): void {
    if (this.closed || (this.subscribers.size === 0 && this.watchers.size === 0) || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.ensureListening().catch(() => this.scheduleReconnect());
    }, RECONNECT_MS);
    this.timer.unref();
  }
}
