// src/scanner — checksums embedded in some token formats. GitHub's (ghp_, gho_, ghu_, ghs_,
// ghr_) and npm's (npm_) tokens end with 6 base62 characters encoding the CRC32 of the
// 30-character random body; a token whose tail does not match is not a real token.
import { crc32 } from 'node:zlib';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(n: number, width: number): string {
  let out = '';
  let v = n >>> 0;
  while (v > 0) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/** The 6-character checksum GitHub and npm append to a 30-character body. */
export function crc32Base62(body: string): string {
  return base62(crc32(Buffer.from(body, 'utf8')), 6);
}

/** True when `token` (prefix + 30 body chars + 6 checksum chars) carries a valid checksum. */
export function hasValidCrc32Checksum(token: string, prefixLength: number): boolean {
  const rest = token.slice(prefixLength);
  if (rest.length !== 36) return false;
  return crc32Base62(rest.slice(0, 30)) === rest.slice(30);
}
