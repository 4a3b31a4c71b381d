// src/cli — the client half of `arca login -method=oidc`: a one-shot listener on the
// loopback interface receives the provider's redirect, the server is asked for the
// provider URL (auth/<mount>/oidc/auth_url with redirect_uri http://localhost:<port>/oidc/callback
// and a fresh client_nonce), the URL is printed (and opened in a browser when asked), and
// the redirect's state/code are handed to auth/<mount>/oidc/callback, whose token is returned.
// The authorization code and the token are never printed; the browser only sees a short page.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApiError } from '../client/arca-client.js';
import type { ArcaClient } from '../client/arca-client.js';
import { CliFailure } from './cli-failure.js';

export interface OidcLoginOptions {
  readonly client: ArcaClient;
  /** Mount path of the jwt/oidc auth method (default "oidc"). */
  readonly mount?: string;
  /** Role to log in with (default: the mount's default_role). */
  readonly role?: string;
  /** Loopback port of the callback listener (default 8250, as Vault). */
  readonly port?: number;
  /** Where progress and the URL are written (the CLI's stderr). */
  readonly print: (text: string) => void;
  /** Try `open`/`xdg-open` on the URL (the CLI sets this when stdout is a TTY). */
  readonly openBrowser?: boolean;
  /** Gives up waiting for the browser after this long (default 5 minutes). */
  readonly timeoutMs?: number;
  /** Called with the provider URL once the listener is up (tests drive a browser with it). */
  readonly onAuthUrl?: (url: string) => void;
}

export interface OidcLoginResult {
  readonly token: string;
  /** The whole login response body (`auth` with client_token, accessor, policies...). */
  readonly secret: Record<string, unknown>;
}

const page = (title: string, text: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>`;

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new CliFailure(`Error starting the OIDC callback listener on 127.0.0.1:${port}: ${err.message}`, 2)));
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function tryOpenBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener available: the printed URL is enough.
  }
}

function tokenOf(body: unknown): { token: string; secret: Record<string, unknown> } {
  const secret = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const auth = secret['auth'];
  const token = typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>)['client_token'] : undefined;
  if (typeof token !== 'string' || token === '') throw new CliFailure('Error authenticating: the server returned no token', 2);
  return { token, secret };
}

/** Runs the browser login; resolves with the token once the callback succeeded. */
export async function loginWithOidc(options: OidcLoginOptions): Promise<OidcLoginResult> {
  const mount = (options.mount ?? 'oidc').replace(/^\/+|\/+$/g, '');
  const port = options.port ?? 8250;
  const clientNonce = randomBytes(20).toString('base64url');
  const { client } = options;
  client.token = undefined;

  let settle: { resolve: (r: OidcLoginResult) => void; reject: (e: unknown) => void } | undefined;
  const done = new Promise<OidcLoginResult>((resolve, reject) => (settle = { resolve, reject }));
  // Marked handled now: a failure may settle it before (or without) the await below.
  done.catch(() => undefined);
  const finish = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== '/oidc/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const query: Record<string, string> = { client_nonce: clientNonce };
    for (const key of ['state', 'code', 'error', 'error_description']) {
      const v = url.searchParams.get(key);
      if (v !== null) query[key] = v;
    }
    try {
      const answer = await client.request('GET', `auth/${mount}/oidc/callback?${new URLSearchParams(query).toString()}`);
      const result = tokenOf(answer.body);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('Signed in to Arca', 'You can close this window and return to the terminal.'));
      settle?.resolve(result);
    } catch (err) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(page('Arca login failed', 'Return to the terminal for details.'));
      settle?.reject(err instanceof ApiError ? new CliFailure(`Error authenticating: ${err.message}`, 2) : err);
    }
  };
  const server = createServer((req, res) => void finish(req, res));
  await listen(server, port);
  const timer = setTimeout(() => settle?.reject(new CliFailure('Error authenticating: timed out waiting for the OIDC callback', 2)), options.timeoutMs ?? 5 * 60_000);
  try {
    const redirectUri = `http://localhost:${port}/oidc/callback`;
    const body: Record<string, string> = { redirect_uri: redirectUri, client_nonce: clientNonce };
    if (options.role !== undefined && options.role !== '') body['role'] = options.role;
    let authUrl: unknown;
    try {
      const answer = await client.request('PUT', `auth/${mount}/oidc/auth_url`, body);
      const data = (answer.body as { data?: { auth_url?: unknown } } | undefined)?.data;
      authUrl = data?.auth_url;
    } catch (err) {
      if (err instanceof ApiError) throw new CliFailure(`Error authenticating: ${err.message}`, 2);
      throw err;
    }
    if (typeof authUrl !== 'string' || authUrl === '') throw new CliFailure('Error authenticating: the server returned no auth_url (check the role and redirect URI)', 2);
    options.print(`Complete the login via your OIDC provider. Launching browser to:\n\n    ${authUrl}\n\nWaiting for OIDC authentication to complete...\n`);
    if (options.openBrowser === true) tryOpenBrowser(authUrl);
    options.onAuthUrl?.(authUrl);
    return await done;
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
