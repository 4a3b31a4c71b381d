// src/auth/jwt — GETs a small JSON document (a JWKS or an OIDC discovery document) over
// http(s), trusting `caPem` instead of the system roots when given. Bounded: 1 MiB body,
// 10 s timeout, no redirects. Failures become ArcaError('invalid_request') with a reason
// that never quotes the URL's credentials or the body.
import http from 'node:http';
import https from 'node:https';
import { ArcaError } from '../../lib/errors.js';

const MAX_BODY = 1024 * 1024;
const TIMEOUT_MS = 10_000;

/** Throws a 400 unless `text` is an http(s) URL; returns it parsed. */
export function parseHttpUrl(text: string, fieldName: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ArcaError('invalid_request', `"${fieldName}" is not a valid URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ArcaError('invalid_request', `"${fieldName}" must be an http or https URL`);
  }
  return url;
}

export async function fetchJson(url: string, caPem: string, what: string): Promise<unknown> {
  const target = new URL(url);
  const text = await new Promise<string>((resolve, reject) => {
    const failed = (reason: string): void => reject(new ArcaError('invalid_request', `error fetching ${what}: ${reason}`));
    const options = { method: 'GET', headers: { accept: 'application/json' }, timeout: TIMEOUT_MS };
    const req =
      target.protocol === 'https:'
        ? https.request(target, caPem === '' ? options : { ...options, ca: caPem })
        : http.request(target, options);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => failed(err.message === 'timed out' ? 'timed out' : describeNetworkError(err)));
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        failed(`HTTP status ${res.statusCode ?? 0}`);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          req.destroy();
          failed('response too large');
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', () => failed('connection reset'));
    });
    req.end();
  });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ArcaError('invalid_request', `error fetching ${what}: response is not JSON`);
  }
}

function describeNetworkError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : 'connection failed';
}
