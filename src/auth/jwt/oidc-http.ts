// src/auth/jwt — the one outbound HTTP call of the OIDC flow (discovery, JWKS, token and
// userinfo endpoints). Built on node:http(s) rather than fetch so a mount's
// `oidc_discovery_ca_pem` can be trusted for exactly these requests. Bounded: a timeout and
// a response-size cap; only http: and https: URLs. Failures are ArcaErrors whose message
// names the URL, never a request body (it may carry a code or client secret).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { ArcaError } from '../../lib/errors.js';

export interface OidcHttpOptions {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Extra trusted CA certificates (PEM) for https URLs; empty = the system roots. */
  readonly caPem?: string;
  readonly timeoutMs?: number;
}

export interface OidcHttpResponse {
  readonly status: number;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  readonly json: unknown;
}

const MAX_BODY = 1024 * 1024;

/** Sends one request and parses a JSON answer; never throws on an HTTP error status. */
export async function oidcHttp(url: string, options: OidcHttpOptions = {}): Promise<OidcHttpResponse> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new ArcaError('invalid_request', 'invalid OIDC provider URL');
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new ArcaError('invalid_request', `unsupported scheme in OIDC provider URL ${target.origin}`);
  }
  const where = `${target.origin}${target.pathname}`;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  const text = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        headers,
        timeout: options.timeoutMs ?? 10_000,
        ...(target.protocol === 'https:' && options.caPem ? { ca: options.caPem } : {}),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) {
            req.destroy(new Error('response too large'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(options.body);
  }).catch((err: unknown) => {
    const reason = err instanceof Error ? err.message : 'request failed';
    throw new ArcaError('invalid_request', `error contacting the OIDC provider at ${where}: ${reason}`);
  });
  let json: unknown;
  if (text.body.length > 0) {
    try {
      json = JSON.parse(text.body);
    } catch {
      json = undefined;
    }
  }
  return { status: text.status, json };
}
