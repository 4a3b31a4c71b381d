// test/robustness — a raw HTTP/1.1 client over node:net for requests that fetch and
// node:http refuse to send (unknown methods, NUL or raw unicode in the request line, bad
// header bytes). Contract: sends exactly the bytes given with `Connection: close`, reads
// until the server closes, and parses the status line, headers and (chunked or plain) body.
// It never throws for a server-side close; a request that gets no answer within the
// timeout resolves with status 0 so the caller's property reports it.
import { connect } from 'node:net';

export interface RawRequest {
  /** The method token sent verbatim (may be garbage). */
  readonly method: string;
  /** The request target sent verbatim (may hold NUL, spaces or raw UTF-8). */
  readonly target: string;
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  /** Sent as is; Content-Length is added unless a Transfer-Encoding header is given. */
  readonly body?: Buffer | string;
  /** Give up after this long (ms); default 20 s. */
  readonly timeoutMs?: number;
}

export interface RawResponse {
  /** 0 when the server closed or timed out without a parseable answer. */
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Why status is 0, for the failure message. */
  readonly failure?: string;
}

export function rawRequest(address: string, req: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(address);
  const body = req.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
  const lines = [`${req.method} ${req.target} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close'];
  for (const [k, v] of req.headers ?? []) lines.push(`${k}: ${v}`);
  const framed = (req.headers ?? []).some(([k]) => k.toLowerCase() === 'transfer-encoding');
  if (!framed && (body.length > 0 || ['POST', 'PUT', 'PATCH'].includes(req.method))) lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect({ host: hostname, port: Number(port) });
    const finish = (failure?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseResponse(Buffer.concat(chunks), failure));
    };
    const timer = setTimeout(() => finish('timed out waiting for the server'), req.timeoutMs ?? 20_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    // The server may answer (413, 400) and close before it has read the whole body; the
    // answer already read is what counts, so a reset while writing is not a failure.
    socket.on('error', (err: NodeJS.ErrnoException) => finish(`socket error ${err.code ?? err.message}`));
    socket.on('connect', () => {
      socket.write(head);
      if (body.length > 0) socket.write(body);
    });
  });
}

function parseResponse(raw: Buffer, failure: string | undefined): RawResponse {
  const split = raw.indexOf('\r\n\r\n');
  if (split === -1) return { status: 0, headers: {}, body: raw, failure: failure ?? 'no complete response head' };
  const headLines = raw.subarray(0, split).toString('latin1').split('\r\n');
  const statusMatch = /^HTTP\/1\.[01] (\d{3})/.exec(headLines[0] ?? '');
  if (!statusMatch) return { status: 0, headers: {}, body: raw, failure: `bad status line ${JSON.stringify(headLines[0])}` };
  const headers: Record<string, string> = {};
  for (const line of headLines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(split + 4);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') body = dechunk(body);
  else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  return { status: Number(statusMatch[1]), headers, body };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol === -1) break;
    const size = parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
