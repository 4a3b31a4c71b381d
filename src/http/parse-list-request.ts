// src/http — parses the raw bytes of a `LIST` request that Node's HTTP parser refused.
// Only what a LIST needs: request line, headers and a Content-Length body if complete.
// Returns undefined for anything malformed or incomplete (the caller answers 400).
import type { HttpInput } from './http-exchange.js';

const MAX_HEAD = 64 * 1024;

export function parseListRequest(raw: Buffer, remoteAddress: string): HttpInput | undefined {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd === -1 || headEnd > MAX_HEAD) return undefined;
  const lines = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const requestLine = /^LIST (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (!requestLine) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const length = Number(headers['content-length'] ?? '0');
  if (!Number.isSafeInteger(length) || length < 0) return undefined;
  const body = raw.subarray(headEnd + 4, headEnd + 4 + length);
  if (body.length !== length) return undefined;
  return { method: 'LIST', url: requestLine[1] as string, headers, body, remoteAddress };
}
