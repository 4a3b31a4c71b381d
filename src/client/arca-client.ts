// src/client — the one HTTP client of Arca's API, shared by the CLI, the agent, the scanner's
// import and end-to-end tests. It speaks Vault's wire format: paths are relative to /v1/,
// the token goes in X-Vault-Token, errors come back as {"errors":[...]}.
//
// Requests go through Node's global fetch. With TLS settings (a CA, a client certificate, a
// server name, skip-verify) they go through undici's fetch with an Agent holding them: the
// global fetch cannot take them, and undici is loaded only then (importing it costs a CLI
// command about 70 ms it would otherwise not spend).
import type { Dispatcher } from 'undici';
import { hasClientTls, loadClientTls } from './client-tls.js';
import type { ClientTlsConfig, TlsConnectOptions } from './client-tls.js';

export interface ClientOptions {
  /** Base address, e.g. http://127.0.0.1:8200 */
  readonly address: string;
  readonly token?: string | undefined;
  /** Extra headers sent with every request (e.g. X-Vault-Wrap-TTL). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** TLS settings; files are read (and checked) by the constructor, which throws ClientTlsError. */
  readonly tls?: ClientTlsConfig | undefined;
}

export interface ClientResponse {
  readonly status: number;
  /** Parsed JSON body, or undefined for an empty body (204). */
  readonly body: unknown;
  readonly headers: Headers;
}

/** A non-2xx answer from the server, with Vault's `errors` array. */
export class ApiError extends Error {
  readonly status: number;
  readonly errors: string[];
  readonly body: unknown;

  constructor(status: number, errors: string[], body: unknown) {
    super(errors.length > 0 ? errors.join('; ') : `request failed with status ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.errors = errors;
    this.body = body;
  }
}

interface FetchInit {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | null;
  readonly signal: AbortSignal;
}

/** The part of a fetch Response the client reads (the global and undici's both have it). */
interface FetchAnswer {
  readonly status: number;
  readonly headers: Headers;
  text(): Promise<string>;
}

type Transport = (url: string, init: FetchInit) => Promise<FetchAnswer>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'LIST' | 'HEAD';

export class ArcaClient {
  readonly address: string;
  token: string | undefined;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeoutMs: number;
  private readonly tls: TlsConnectOptions | undefined;
  private transport: Promise<Transport> | undefined;

  constructor(options: ClientOptions) {
    this.address = options.address.replace(/\/+$/, '');
    this.token = options.token;
    this.headers = options.headers ?? {};
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.tls = hasClientTls(options.tls) ? loadClientTls(options.tls) : undefined;
  }

  /** The fetch to send with: the global one, or undici's with an Agent holding the TLS settings. */
  private send(url: string, init: FetchInit): Promise<FetchAnswer> {
    const tls = this.tls;
    if (tls === undefined) return fetch(url, init);
    this.transport ??= import('undici').then(({ Agent, fetch: undiciFetch }) => {
      const dispatcher: Dispatcher = new Agent({ connect: { ...tls } });
      return (u, i) => undiciFetch(u, { ...i, dispatcher });
    });
    return this.transport.then((send) => send(url, init));
  }

  /**
   * Sends one request and returns the raw answer without throwing on HTTP errors.
   * `path` is relative to /v1/ (e.g. "secret/data/app"). LIST is sent as GET ?list=true,
   * which every Vault-compatible server accepts.
   */
  async raw(method: HttpMethod, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<ClientResponse> {
    let url = `${this.address}/v1/${path.replace(/^\/+/, '')}`;
    let verb: string = method;
    if (method === 'LIST') {
      verb = 'GET';
      url += (url.includes('?') ? '&' : '?') + 'list=true';
    }
    const headers: Record<string, string> = { ...this.headers, ...extraHeaders };
    if (this.token) headers['X-Vault-Token'] = this.token;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await this.send(url, {
      method: verb,
      headers,
      body: payload ?? null,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** Like `raw`, but throws ApiError for any status outside 200-299. */
  async request(method: HttpMethod, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<ClientResponse> {
    const res = await this.raw(method, path, body, extraHeaders);
    if (res.status < 200 || res.status > 299) {
      const b = res.body as { errors?: unknown } | undefined;
      const errors = Array.isArray(b?.errors) ? b.errors.map(String) : [];
      throw new ApiError(res.status, errors, res.body);
    }
    return res;
  }

  read(path: string): Promise<ClientResponse> {
    return this.request('GET', path);
  }

  write(path: string, body: unknown = {}): Promise<ClientResponse> {
    return this.request('PUT', path, body);
  }

  delete(path: string): Promise<ClientResponse> {
    return this.request('DELETE', path);
  }

  list(path: string): Promise<ClientResponse> {
    return this.request('LIST', path);
  }
}
