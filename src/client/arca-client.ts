// src/client — the one HTTP client of Arca's API, shared by the CLI, the agent, the scanner's
// import and end-to-end tests. It speaks Vault's wire format: paths are relative to /v1/,
// the token goes in X-Vault-Token, errors come back as {"errors":[...]}.

export interface ClientOptions {
  /** Base address, e.g. http://127.0.0.1:8200 */
  readonly address: string;
  readonly token?: string | undefined;
  /** Extra headers sent with every request (e.g. X-Vault-Wrap-TTL). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
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

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'LIST' | 'HEAD';

export class ArcaClient {
  readonly address: string;
  token: string | undefined;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions) {
    this.address = options.address.replace(/\/+$/, '');
    this.token = options.token;
    this.headers = options.headers ?? {};
    this.timeoutMs = options.timeoutMs ?? 60_000;
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
    const res = await fetch(url, {
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
