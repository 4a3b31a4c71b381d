// src/http — the listener: node:http or node:https (TLS from config, optional client
// certificates), request bodies bounded by maxRequestSize (413 past it), and Vault's LIST
// verb. Node's HTTP parser rejects unknown methods, so a LIST request surfaces as a
// clientError with the raw bytes; it is parsed here, answered through the same handler and
// the connection is closed (clients reconnect transparently). An answer written by hand on
// such a socket waits until every request node:http handed over before it (a pipelined GET
// in the same packet) has been answered, so answers leave in request order.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../lib/logger.js';
import type { ApiHandler } from './api-handler.js';
import type { HttpInput, HttpOutput } from './http-exchange.js';
import type { PeerCertificate } from '../framework/logical.js';
import { renderError } from './render-response.js';
import { ArcaError } from '../lib/errors.js';
import { MAX_LIST_HEAD, parseListRequest } from './parse-list-request.js';
import type { ListParse } from './parse-list-request.js';

export interface TlsOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** CA bundle offered to clients as the acceptable issuers of a client certificate. */
  readonly clientCa?: string | Buffer;
}

export interface HttpServerOptions {
  /** "host:port"; port 0 picks a free port. */
  readonly address: string;
  readonly tls?: TlsOptions | undefined;
  readonly maxRequestSize: number;
  readonly handler: ApiHandler;
  readonly logger: Logger;
}

export interface RunningHttpServer {
  /** The URL clients use, e.g. "http://127.0.0.1:8200". */
  readonly url: string;
  readonly server: http.Server;
  close(): Promise<void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { host, port } = splitAddress(options.address);
  const answers = new PendingAnswers();
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    answers.begin(req.socket, res);
    void serve(options, req, res);
  };
  const server = options.tls
    ? https.createServer(
        {
          cert: options.tls.cert,
          key: options.tls.key,
          // Ask every client for a certificate (as Vault's listener does) but accept the
          // connection without one or with one no CA here vouches for: cert auth verifies.
          requestCert: true,
          rejectUnauthorized: false,
          ...(options.tls.clientCa ? { ca: options.tls.clientCa } : {}),
        },
        onRequest,
      )
    : http.createServer(onRequest);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 300_000;
  // Requests Node answers itself unless told otherwise: answer them in Vault's error format.
  server.on('connect', (_req: http.IncomingMessage, socket: Socket) => {
    writeRaw(socket, renderError(new ArcaError('method_not_allowed', 'unsupported method: CONNECT')));
  });
  server.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader('connection', 'close');
    send(res, renderError(new ArcaError('invalid_request', 'unsupported Expect header')));
    req.resume();
  });
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
    onClientError(options, answers, err, socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  const url = `${options.tls ? 'https' : 'http'}://${shownHost}:${bound.port}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const EMPTY_BODY = Buffer.alloc(0);

async function serve(options: HttpServerOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let out: HttpOutput;
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > options.maxRequestSize) {
    out = renderError(tooLarge(options.maxRequestSize));
    res.setHeader('connection', 'close');
    send(res, out);
    req.resume();
    return;
  }
  // A request that declares no body (most GETs) has none to wait for; Node discards the
  // stream once the answer is sent.
  const bodiless = req.headers['transfer-encoding'] === undefined && (declared === 0 || Number.isNaN(declared));
  const body = bodiless ? EMPTY_BODY : await readBody(req, options.maxRequestSize);
  if (body === 'too-large') {
    res.setHeader('connection', 'close');
    send(res, renderError(tooLarge(options.maxRequestSize)));
    return;
  }
  if (body === 'aborted') return;
  const peer = peerCertificate(req.socket as TLSSocket);
  const input: HttpInput = {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: flatHeaders(req.headers),
    body,
    remoteAddress: req.socket.remoteAddress ?? '',
    ...(peer ? { peerCertificate: peer } : {}),
  };
  out = await options.handler(input);
  send(res, out);
}

function peerCertificate(socket: TLSSocket): PeerCertificate | undefined {
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const leaf = socket.getPeerCertificate(true);
  if (!leaf || !leaf.raw) return undefined;
  const chain: Uint8Array[] = [];
  const seen = new Set([leaf.fingerprint256]);
  for (let c = leaf.issuerCertificate; c && c.raw && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
    seen.add(c.fingerprint256);
    chain.push(c.raw);
  }
  return { der: leaf.raw, chain };
}

function tooLarge(limit: number): ArcaError {
  return new ArcaError('payload_too_large', `http: request body too large (the limit is ${limit} bytes)`);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        resolve('too-large');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks, size));
      done = true;
    });
    req.on('error', () => {
      if (!done) resolve('aborted');
      done = true;
    });
  });
}

/**
 * Content-Length is set here: writeHead fixes the head before end() sees the body, so
 * without it Node falls back to chunked encoding, which costs a writev of three pieces per
 * answer on this side and chunk parsing on the client's (RFC 9110 forbids it on 204/304).
 */
function send(res: http.ServerResponse, out: HttpOutput): void {
  if (res.headersSent || res.destroyed) return;
  const bodyless = out.status === 204 || out.status === 304;
  const length = typeof out.body === 'string' ? Buffer.byteLength(out.body) : out.body.byteLength;
  res.writeHead(out.status, bodyless ? out.headers : { ...out.headers, 'content-length': String(length) });
  res.end(bodyless ? undefined : out.body);
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/**
 * Counts, per socket, the requests node:http has handed to `onRequest` whose answers are
 * not finished. Node writes the answers of pipelined requests in order itself; an answer
 * written by hand after its parser failed (writeRaw, which also closes the socket) must wait
 * for them, or it overtakes them and the socket closes before they are written. A response's
 * 'close' comes after its last byte went to the socket (or after the socket died).
 */
class PendingAnswers {
  private readonly bySocket = new WeakMap<Socket, { pending: number; then: Array<() => void> }>();

  begin(socket: Socket, res: http.ServerResponse): void {
    let state = this.bySocket.get(socket);
    if (!state) {
      state = { pending: 0, then: [] };
      this.bySocket.set(socket, state);
    }
    const s = state;
    s.pending++;
    res.once('close', () => {
      s.pending--;
      if (s.pending > 0 || s.then.length === 0) return;
      const waiting = s.then;
      s.then = [];
      for (const run of waiting) run();
    });
  }

  /** Runs `write` once every request already handed over on `socket` has been answered. */
  afterPending(socket: Socket, write: () => void): void {
    const state = this.bySocket.get(socket);
    if (!state || state.pending === 0) write();
    else state.then.push(write);
  }
}

function onClientError(options: HttpServerOptions, answers: PendingAnswers, err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  // The client may hang up while earlier answers are still being made: nothing to write then.
  const answer = (out: HttpOutput): void =>
    answers.afterPending(socket, () => {
      if (socket.destroyed) return;
      writeRaw(socket, out);
    });
  const raw = err.rawPacket;
  // On a kept-alive connection the LIST may follow other requests in the same packet; the
  // parser stopped inside its method token, so the request starts at the last "LIST " there.
  const bytesParsed = (err as { bytesParsed?: unknown }).bytesParsed;
  const failedAt = typeof bytesParsed === 'number' ? bytesParsed : 0;
  const start = raw ? raw.lastIndexOf('LIST ', failedAt) : -1;
  if (err.code === 'HPE_INVALID_METHOD' && raw && start !== -1 && (start === 0 || raw.subarray(start - 2, start).toString('latin1') === '\r\n')) {
    void readListRequest(socket, raw.subarray(start), options.maxRequestSize).then((parsed) => {
      if (parsed === 'timeout') socket.destroy();
      else if (parsed === undefined) answer(malformed());
      else if ('tooLarge' in parsed) answer(renderError(tooLarge(options.maxRequestSize)));
      else void options.handler(parsed).then(answer);
    });
    return;
  }
  answer(err.code === 'HPE_HEADER_OVERFLOW' ? { ...malformed(), status: 431 } : malformed());
}

/** Head plus declared body length, once the head has arrived. */
function expectedLength(raw: Buffer): number | undefined {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const m = /\r\ncontent-length:\s*(\d{1,15})\s*(?:\r\n|$)/i.exec(raw.subarray(0, headEnd + 2).toString('latin1'));
  return headEnd + 4 + (m ? Number(m[1]) : 0);
}

function malformed(): HttpOutput {
  return { status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errors: ['malformed HTTP request'] }) };
}

const LIST_READ_TIMEOUT_MS = 30_000;

/**
 * Reads the rest of a LIST request from a socket whose HTTP parser has failed: Node's own
 * listener is removed and the remaining bytes arrive as plain data events. Bounded by the
 * request size limit and a timeout.
 */
function readListRequest(socket: Socket, first: Buffer, maxBody: number): Promise<Exclude<ListParse, 'incomplete'> | 'timeout'> {
  const initial = parseListRequest(first, socket.remoteAddress ?? '', maxBody);
  if (initial !== 'incomplete') return Promise.resolve(initial);
  socket.removeAllListeners('data');
  return new Promise((resolve) => {
    const chunks = [first];
    let size = first.length;
    const finish = (result: Exclude<ListParse, 'incomplete'> | 'timeout'): void => {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      resolve(result);
    };
    const timer = setTimeout(() => finish('timeout'), LIST_READ_TIMEOUT_MS);
    // Once the head is in, the total length is known: bytes are only joined and parsed
    // again when all of them have arrived, so a large body costs one copy, not one per chunk.
    let total = expectedLength(first);
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > maxBody + MAX_LIST_HEAD) return finish({ tooLarge: size });
      if (total !== undefined && size < total) return;
      const joined = Buffer.concat(chunks, size);
      const parsed = parseListRequest(joined, socket.remoteAddress ?? '', maxBody);
      if (parsed !== 'incomplete') return finish(parsed);
      total = expectedLength(joined);
    };
    socket.on('data', onData);
    socket.once('close', () => finish('timeout'));
    socket.resume();
  });
}

/** Answers on a socket whose HTTP parser has failed, then closes it. */
function writeRaw(socket: Socket, out: HttpOutput): void {
  const body = typeof out.body === 'string' ? Buffer.from(out.body) : Buffer.from(out.body);
  const lines = [`HTTP/1.1 ${out.status} ${http.STATUS_CODES[out.status] ?? ''}`];
  for (const [k, v] of Object.entries(out.headers)) lines.push(`${k}: ${v}`);
  lines.push(`content-length: ${body.length}`, 'connection: close', '', '');
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]));
}

function splitAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(address.trim());
  if (!m) throw new ArcaError('invalid_request', `invalid listen address ${JSON.stringify(address)}: expected host:port`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port: Number(m[3]) };
}
