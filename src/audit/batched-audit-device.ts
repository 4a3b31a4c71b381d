// src/audit — the base every writing device extends. It owns the parts that must be the same
// for every output: option parsing shared with Vault (hmac_accessor, log_raw, prefix,
// format), HMAC with the device key, the hash chain, and group commit. Records logged while
// a write is in flight (or within the same tick) are written together: one `writeBatch`
// call, which a subclass implements as one write plus one fsync, and each caller's promise
// resolves only once that batch is durable. Subclasses implement the sink: open the output
// (returning the chain head found there), write a batch durably, close.
// The lines of a batch (HMAC, JSON, chain hashes) are made by an AuditLineMaker: on the event
// loop, or on the shared worker thread (worker-line-maker.ts) where that pays (see
// audit-worker-policy.ts).
// Common options: hmac_accessor, log_raw, elide_list_responses, prefix, format (json).
import { ArcaError } from '../lib/errors.js';
import { AuditChain, type ChainHead } from './audit-chain.js';
import type { AuditDevice, AuditDeviceOptions } from './audit-device.js';
import type { AuditEntry } from './audit-entry.js';
import { AuditHasher } from './audit-hasher.js';
import { LocalLineMaker } from './audit-line-maker.js';
import type { AuditLineMaker, BatchEntry, LineSettings } from './audit-line-maker.js';
import { WorkerLineMaker } from './worker-line-maker.js';

/** Counters for tests and metrics: `syncs < records` shows group commit at work. */
export interface AuditDeviceIoStats {
  records: number;
  writes: number;
  syncs: number;
}

interface Pending {
  /** Raw; serialised when its batch is written (the caller does not mutate it meanwhile). */
  readonly record: AuditEntry;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

const COMMON_OPTIONS = ['hmac_accessor', 'log_raw', 'elide_list_responses', 'prefix', 'format'] as const;
const MAX_BATCH = 1024;
/** Bounds memory when the output stalls (the broker has long since timed these out). */
const MAX_QUEUE = 65_536;
const MAX_PREFIX = 256;

export abstract class BatchedAuditDevice implements AuditDevice {
  readonly options: AuditDeviceOptions;
  protected readonly io: AuditDeviceIoStats = { records: 0, writes: 0, syncs: 0 };
  private readonly hasher: AuditHasher;
  /** Makes a batch's lines (on the shared worker unless `inThread`). */
  protected readonly lines: AuditLineMaker;
  /** What a line maker needs: key, hashing options, prefix. */
  protected readonly lineSettings: LineSettings;
  private readonly chain: AuditChain;
  private queue: Pending[] = [];
  private lock: Promise<void> = Promise.resolve();
  private flushing: Promise<void> | undefined;
  private scheduled = false;
  private opened = false;
  private closed = false;

  /**
   * `ownOptions` are the option names the subclass accepts besides the common ones.
   * `inThread` makes lines on the event loop instead of the shared worker (see audit-worker-policy.ts).
   */
  protected constructor(
    readonly type: string,
    options: AuditDeviceOptions,
    hmacKey: Uint8Array,
    ownOptions: readonly string[],
    inThread = false,
  ) {
    const known = new Set<string>([...COMMON_OPTIONS, ...ownOptions]);
    for (const name of Object.keys(options)) {
      if (!known.has(name)) throw new ArcaError('invalid_request', `audit ${type} device: unknown option "${name}"`);
    }
    if (hmacKey.length === 0) throw new ArcaError('internal', 'audit device key is empty');
    const format = options['format'] ?? 'json';
    if (format !== 'json') throw new ArcaError('invalid_request', `audit ${type} device: unsupported format "${format}"`);
    const prefix = options['prefix'] ?? '';
    if (prefix.length > MAX_PREFIX || /[\r\n]/.test(prefix)) {
      throw new ArcaError('invalid_request', `audit ${type} device: prefix must be one line of at most ${MAX_PREFIX} characters`);
    }
    this.options = { ...options };
    this.hasher = new AuditHasher(hmacKey);
    const settings: LineSettings = {
      hmacKey: Uint8Array.from(hmacKey),
      prefix,
      hash: {
        hmacAccessor: parseBoolOption(type, options, 'hmac_accessor', true),
        logRaw: parseBoolOption(type, options, 'log_raw', false),
        elideListResponses: parseBoolOption(type, options, 'elide_list_responses', false),
      },
    };
    this.lineSettings = settings;
    this.lines = inThread ? new LocalLineMaker(settings) : new WorkerLineMaker(settings);
    this.chain = new AuditChain(undefined, prefix);
  }

  /** Opens the output; returns the chain head its existing content ends at, if any. */
  protected abstract openOutput(): Promise<ChainHead | undefined>;
  /** Writes `bytes` (whole lines) with one write and makes them durable before resolving. */
  protected abstract writeBatch(bytes: Buffer): Promise<void>;

  /**
   * An output that takes records itself, bypassing this class's batches (the file device's
   * worker output, which group-commits on the worker); undefined to use them.
   */
  protected offloaded(): { readonly backlog: number; log(entry: AuditEntry): Promise<void> } | undefined {
    return undefined;
  }

  /** Records where an offloaded output's chain stands (heads only move forward). */
  protected noteHead(head: ChainHead): void {
    if (head.seq > this.chain.head().seq) this.chain.reset(head);
  }

  /** The output was lost (the worker died): the next write opens it again. */
  protected outputLost(): void {
    this.opened = false;
  }

  /**
   * Makes the batch's lines from `head` and writes them durably (counting them in `io`);
   * answers the new head and the entries that could not be serialised. A subclass may do both elsewhere (the file
   * device hands them to the audit worker).
   */
  protected async appendBatch(head: ChainHead, batch: readonly BatchEntry[]): Promise<{ head: ChainHead; failed: readonly number[] }> {
    const made = await this.lines.make(head, batch);
    if (made.bytes.length > 0) await this.writeBatch(made.bytes);
    this.io.records += batch.length - made.failed.length;
    return made;
  }
  protected abstract closeOutput(): Promise<void>;

  open(): Promise<void> {
    return this.exclusive(() => this.ensureOpen());
  }

  log(entry: AuditEntry): Promise<void> {
    if (this.closed) return Promise.reject(new ArcaError('unavailable', `audit ${this.type} device is closed`));
    const offloaded = this.offloaded();
    if (offloaded !== undefined) {
      if (offloaded.backlog >= MAX_QUEUE) return Promise.reject(new ArcaError('unavailable', `audit ${this.type} device backlog is full`));
      return offloaded.log(entry);
    }
    if (this.queue.length >= MAX_QUEUE) {
      return Promise.reject(new ArcaError('unavailable', `audit ${this.type} device backlog is full`));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record: entry, resolve, reject });
      this.schedule();
    });
  }

  /** Whether this device's lines are made on the shared worker thread. */
  get onWorker(): boolean {
    return this.offloaded() !== undefined || this.lines instanceof WorkerLineMaker;
  }

  hashAuditValue(value: string): string {
    return this.hasher.hash(value);
  }

  /** The last record written: keep a copy elsewhere to detect tail truncation later. */
  head(): ChainHead {
    return this.chain.head();
  }

  /**
   * Before the first open only: the chain an EMPTY output continues (a head kept elsewhere,
   * see core/audit-table.ts), so a file rotated away while the server was down links to the
   * one before it. An output that already holds lines continues from its own last line.
   */
  continueFrom(head: ChainHead): void {
    if (this.opened || this.chain.head().seq !== 0) throw new ArcaError('internal', 'audit: continueFrom is for a device not yet opened');
    this.chain.reset(head);
  }

  ioStats(): AuditDeviceIoStats {
    return { ...this.io };
  }

  reload(): Promise<void> {
    return this.exclusive(async () => {
      await this.release();
      await this.ensureOpen();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.exclusive(() => this.drain());
    await this.exclusive(() => this.release());
  }

  /** Runs `fn` after everything started before it; keeps writes, reloads and close ordered. */
  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private schedule(): void {
    if (this.scheduled || this.flushing !== undefined) return;
    this.scheduled = true;
    // setImmediate lets every log() issued in this tick join the first batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.exclusive(() => this.drain()).finally(() => {
        this.flushing = undefined;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) await this.writeOne(this.queue.splice(0, MAX_BATCH));
  }

  private async writeOne(batch: Pending[]): Promise<void> {
    const before = this.chain.head();
    try {
      await this.ensureOpen();
      // The head after opening: a (re)opened output may continue from its file's last line.
      const made = await this.appendBatch(this.chain.head(), batch.map((p) => ({ entry: p.record })));
      const failed = new Set(made.failed);
      this.chain.reset(made.head);
      batch.forEach((p, index) => {
        if (failed.has(index)) p.reject(new ArcaError('internal', 'audit: the entry could not be prepared'));
        else p.resolve();
      });
    } catch (err) {
      // Re-read the output's real tail on the next batch: a failed write may be partial.
      this.chain.reset(before);
      await this.release().catch(() => undefined);
      const failure = new ArcaError('internal', `audit ${this.type} device could not write`, { cause: err });
      for (const p of batch) p.reject(failure);
    }
  }

  private async ensureOpen(): Promise<void> {
    if (this.opened) return;
    const head = await this.openOutput();
    if (head !== undefined) this.chain.reset(head);
    this.opened = true;
  }

  private async release(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    await this.closeOutput();
  }
}

/** Go's strconv.ParseBool spellings, which Vault accepts for its options. */
function parseBoolOption(type: string, options: AuditDeviceOptions, name: string, fallback: boolean): boolean {
  const raw = options[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(raw)) return false;
  throw new ArcaError('invalid_request', `audit ${type} device: option "${name}" must be true or false`);
}
