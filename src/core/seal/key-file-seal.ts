// src/core/seal — the embedded auto-unseal key source: a 32-byte random key in a file only
// its owner can read (mode 0600). The root key is stored at `core/root-key` sealed under
// this key (AES-256-GCM, AAD "core/root-key"), so a node with the file unseals without
// shares. A key file that group or others may access is refused, never silently fixed:
// the key may already have leaked. The file holds 32 raw bytes, or 64 hex characters (so
// `openssl rand -hex 32 > key` works); a trailing newline is ignored.
import { createSecretKey, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import { BarrierCipher } from '../../barrier/barrier-cipher.js';
import { RESERVED_KEYS } from '../../barrier/reserved-keys.js';
import { ArcaError } from '../../lib/errors.js';

const KEY_BYTES = 32;
const ROOT_TERM = 0;

function parseKeyFile(path: string, content: Buffer): Buffer {
  if (content.length === KEY_BYTES) return Buffer.from(content);
  const textual = content.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(textual)) return Buffer.from(textual, 'hex');
  throw new ArcaError('invalid_request', `key file "${path}" must hold 32 raw bytes or 64 hex characters`);
}

export class KeyFileSeal {
  readonly path: string;
  private readonly key: KeyObject;

  private constructor(path: string, keyBytes: Buffer) {
    this.path = path;
    this.key = createSecretKey(keyBytes);
    keyBytes.fill(0);
  }

  /** Writes a new random key file with mode 0600; refuses to overwrite an existing file. */
  static async create(path: string): Promise<KeyFileSeal> {
    const bytes = randomBytes(KEY_BYTES);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'wx', 0o600);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'EEXIST' ? 'it already exists' : `cannot create it (${code ?? 'unknown error'})`;
      throw new ArcaError('invalid_request', `key file "${path}": ${why}`, { cause: err });
    }
    try {
      await handle.chmod(0o600);
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return new KeyFileSeal(path, bytes);
  }

  /** Loads an existing key file, refusing one that group or others can access. */
  static async open(path: string): Promise<KeyFileSeal> {
    let stat;
    try {
      stat = await fs.stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ArcaError('invalid_request', `key file "${path}" cannot be read (${code ?? 'unknown error'})`, {
        cause: err,
      });
    }
    if (!stat.isFile()) throw new ArcaError('invalid_request', `key file "${path}" is not a regular file`);
    const loose = stat.mode & 0o077;
    if (loose !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new ArcaError(
        'invalid_request',
        `key file "${path}" has mode ${mode}, which lets group or others access it; it must be 0600 (chmod 600 "${path}")`,
      );
    }
    const content = await fs.readFile(path);
    try {
      return new KeyFileSeal(path, parseKeyFile(path, content));
    } finally {
      content.fill(0);
    }
  }

  /** Opens `path`, creating a new key file first when it does not exist. */
  static async openOrCreate(path: string): Promise<KeyFileSeal> {
    try {
      await fs.access(path);
    } catch {
      return KeyFileSeal.create(path);
    }
    return KeyFileSeal.open(path);
  }

  /** The root key sealed for storage at `core/root-key`. */
  wrapRootKey(rootKey: Uint8Array): Buffer {
    return BarrierCipher.encrypt(this.key, ROOT_TERM, RESERVED_KEYS.rootKey, rootKey);
  }

  /** The root key, or ArcaError when this key file did not seal `blob`. */
  unwrapRootKey(blob: Uint8Array): Buffer {
    const root = BarrierCipher.decrypt(this.key, RESERVED_KEYS.rootKey, blob);
    if (root === undefined) {
      throw new ArcaError('invalid_request', `key file "${this.path}" does not open the stored root key`);
    }
    return root;
  }
}
