// src/barrier — the keyring: terms 1..n, each a random 256-bit data key with the time it
// was installed. The newest term encrypts every new write; older terms stay only to read
// data written before a rotation (nothing is rewritten on rotate). The keyring is
// immutable: `withNewTerm` returns a new keyring, so a reader never sees a half-added term.
// `encode` produces the plaintext that the barrier seals under the root key.
import { createSecretKey, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ArcaError } from '../lib/errors.js';

export const DATA_KEY_BYTES = 32;

export interface KeyTerm {
  readonly term: number;
  /** Milliseconds since the Unix epoch. */
  readonly installTime: number;
  /** Cached node KeyObject so the hot path never re-imports raw key bytes. */
  readonly key: KeyObject;
}

interface RawTerm {
  readonly term: number;
  readonly installTime: number;
  readonly bytes: Buffer;
}

interface EncodedKeyring {
  readonly version: 1;
  readonly terms: { term: number; key: string; install_time: number }[];
}

function corrupt(): ArcaError {
  return new ArcaError('internal', 'barrier: the stored keyring is malformed');
}

export class Keyring {
  private readonly raw: readonly RawTerm[];
  private readonly byTerm: Map<number, KeyTerm>;
  readonly active: KeyTerm;

  private constructor(raw: readonly RawTerm[]) {
    this.raw = raw;
    this.byTerm = new Map(
      raw.map((t) => [t.term, { term: t.term, installTime: t.installTime, key: createSecretKey(t.bytes) }]),
    );
    const newest = raw[raw.length - 1];
    const active = newest === undefined ? undefined : this.byTerm.get(newest.term);
    if (active === undefined) throw corrupt();
    this.active = active;
  }

  /** A fresh keyring holding term 1. */
  static generate(now: number): Keyring {
    return new Keyring([{ term: 1, installTime: now, bytes: randomBytes(DATA_KEY_BYTES) }]);
  }

  static decode(plaintext: Uint8Array): Keyring {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(plaintext).toString('utf8'));
    } catch {
      throw corrupt();
    }
    const doc = parsed as Partial<EncodedKeyring> | null;
    if (doc === null || typeof doc !== 'object' || doc.version !== 1 || !Array.isArray(doc.terms)) throw corrupt();
    const raw: RawTerm[] = [];
    for (const t of doc.terms as unknown[]) {
      const e = t as { term?: unknown; key?: unknown; install_time?: unknown } | null;
      if (e === null || typeof e !== 'object') throw corrupt();
      const { term, key, install_time: installTime } = e;
      if (typeof term !== 'number' || !Number.isInteger(term) || term !== raw.length + 1) throw corrupt();
      if (typeof installTime !== 'number' || typeof key !== 'string') throw corrupt();
      const bytes = Buffer.from(key, 'base64');
      if (bytes.length !== DATA_KEY_BYTES) throw corrupt();
      raw.push({ term, installTime, bytes });
    }
    return new Keyring(raw);
  }

  encode(): Buffer {
    const doc: EncodedKeyring = {
      version: 1,
      terms: this.raw.map((t) => ({ term: t.term, key: t.bytes.toString('base64'), install_time: t.installTime })),
    };
    return Buffer.from(JSON.stringify(doc), 'utf8');
  }

  term(term: number): KeyTerm | undefined {
    return this.byTerm.get(term);
  }

  /** A new keyring with one more term, which becomes the active one. */
  withNewTerm(now: number): Keyring {
    const term = this.active.term + 1;
    if (term > 0xffffffff) throw new ArcaError('internal', 'barrier: keyring term space exhausted');
    // Copies, so wiping the superseded keyring leaves this one intact.
    const kept = this.raw.map((t) => ({ ...t, bytes: Buffer.from(t.bytes) }));
    return new Keyring([...kept, { term, installTime: now, bytes: randomBytes(DATA_KEY_BYTES) }]);
  }

  /**
   * Overwrites the raw key bytes held by this keyring. KeyObjects cannot be zeroed from
   * JavaScript; dropping every reference to them is the best the runtime allows.
   */
  wipe(): void {
    for (const t of this.raw) t.bytes.fill(0);
    this.byTerm.clear();
  }
}
