// src/http — parses the raw bytes of a `LIST` request that Node's HTTP parser refused.
// Only what a LIST needs: request line, headers and a Content-Length body. Answers
// 'incomplete' while the head or the declared body has not all arrived, so the caller can
// keep reading; undefined for anything malformed (the caller answers 400).
import type { HttpInput } from './http-exchange.js';

export const MAX_LIST_HEAD = 64 * 1024;

export type ListParse = HttpInput | 'incomplete' | { readonly tooLarge: number } | undefined;

export function parseListRequest(raw: Buffer, remoteAddress: string, maxBody = Number.MAX_SAFE_INTEGER): ListParse {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd === -1) return raw.length > MAX_LIST_HEAD ? undefined : 'incomplete';
  if (headEnd > MAX_LIST_HEAD) return undefined;
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
  if (headers['transfer-encoding'] !== undefined) return undefined; // chunked LIST bodies are not supported
  const length = Number(headers['content-length'] ?? '0');
  if (!Number.isSafeInteger(length) || length < 0) return undefined;
  if (length > maxBody) return { tooLarge: length };
  const body = raw.subarray(headEnd + 4, headEnd + 4 + length);
  if (body.length < length) return 'incomplete';
  return { method: 'LIST', url: requestLine[1] as string, headers, body, remoteAddress };
}
