// src/core/seal — how unseal keys travel: hex (Vault's `keys`) or standard base64
// (`keys_base64`). Decoding is strict so a typo is a clear 400 rather than a wrong share.
import { ArcaError } from '../../lib/errors.js';

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Vault's bounds: a share is the 32-byte key plus a one-byte x coordinate. */
const MIN_KEY_BYTES = 16;
const MAX_KEY_BYTES = 33;

/** Decodes an unseal key given as hex or base64; hex wins when both parse. */
export function decodeUnsealKey(input: string): Buffer {
  const trimmed = input.trim();
  let key: Buffer | undefined;
  if (HEX.test(trimmed)) key = Buffer.from(trimmed, 'hex');
  else if (trimmed.length > 0 && BASE64.test(trimmed)) key = Buffer.from(trimmed, 'base64');
  if (key === undefined) throw new ArcaError('invalid_request', "'key' must be a valid hex or base64 string");
  if (key.length < MIN_KEY_BYTES) {
    throw new ArcaError('invalid_request', `key is shorter than minimum ${MIN_KEY_BYTES} bytes`);
  }
  if (key.length > MAX_KEY_BYTES) {
    throw new ArcaError('invalid_request', `key is longer than maximum ${MAX_KEY_BYTES} bytes`);
  }
  return key;
}
