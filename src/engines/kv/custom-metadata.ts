// src/engines/kv — validation of a KV v2 key's `custom_metadata`, with Vault's limits and
// messages: at most 64 keys, 0 < key length <= 128 bytes, 0 < value length <= 512 bytes,
// printable characters only. Values must be strings (numbers and booleans are taken in
// their string form, as Vault's weak decoding does). All problems are reported at once.
import { ArcaError } from '../../lib/errors.js';

const MAX_KEYS = 64;
const MAX_KEY_BYTES = 128;
const MAX_VALUE_BYTES = 512;
const PREFIX = 'custom_metadata validation failed';

/** False for control characters (C0, DEL, C1) and lone surrogates. */
function printable(text: string): boolean {
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff)) return false;
  }
  return true;
}

function problems(map: Readonly<Record<string, string>>): string[] {
  const count = Object.keys(map).length;
  if (count > MAX_KEYS) return [`${PREFIX}: payload must contain at most ${MAX_KEYS} keys, provided ${count}`];
  const out: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    const keyLen = Buffer.byteLength(key, 'utf8');
    const valueLen = Buffer.byteLength(value, 'utf8');
    const quoted = JSON.stringify(key.length > MAX_KEY_BYTES ? `${key.slice(0, MAX_KEY_BYTES)}...` : key);
    if (keyLen === 0 || keyLen > MAX_KEY_BYTES) {
      out.push(`${PREFIX}: length of key ${quoted} is ${keyLen} but must be 0 < len(key) <= ${MAX_KEY_BYTES}`);
    }
    if (valueLen === 0 || valueLen > MAX_VALUE_BYTES) {
      out.push(`${PREFIX}: length of value for key ${quoted} is ${valueLen} but must be 0 < len(value) <= ${MAX_VALUE_BYTES}`);
    }
    if (!printable(key)) out.push(`${PREFIX}: key ${quoted} contains unprintable characters`);
    if (!printable(value)) out.push(`${PREFIX}: value for key ${quoted} contains unprintable characters`);
  }
  return out;
}

/**
 * Turns a request's `custom_metadata` object into a validated string map. With
 * `keepNulls` (PATCH) a null value survives as null, meaning "remove this key".
 */
export function parseCustomMetadata(raw: Readonly<Record<string, unknown>>, keepNulls = false): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null && keepNulls) {
      Object.defineProperty(out, key, { value: null, enumerable: true, writable: true, configurable: true });
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new ArcaError('invalid_request', `${PREFIX}: value for key ${JSON.stringify(key)} must be a string`);
    }
    Object.defineProperty(out, key, { value: String(value), enumerable: true, writable: true, configurable: true });
    Object.defineProperty(strings, key, { value: String(value), enumerable: true, writable: true, configurable: true });
  }
  const found = problems(strings);
  const [first, ...more] = found;
  if (first !== undefined) throw new ArcaError('invalid_request', first, { more });
  return out;
}

/** Checks an already-built map (e.g. after a merge patch) against the same limits. */
export function checkCustomMetadata(map: Readonly<Record<string, string>>): void {
  const [first, ...more] = problems(map);
  if (first !== undefined) throw new ArcaError('invalid_request', first, { more });
}
