// src/core/leases — the one encoding of core records above the barrier: UTF-8 JSON. The
// bytes are encrypted by the barrier below, so nothing here is ever persisted in clear.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const storedJson = {
  encode(value: unknown): Uint8Array {
    return encoder.encode(JSON.stringify(value));
  },
  /** Decodes a record this module wrote; the caller names the shape it stored. */
  decode<T>(bytes: Uint8Array): T {
    return JSON.parse(decoder.decode(bytes)) as T;
  },
};
