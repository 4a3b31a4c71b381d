// bench — the messages exchanged between the bench orchestrator (server-bench.ts) and its
// child processes: a load generator (load-worker.ts) and a server host (server-host.ts).
// Each runs in its own process so the client never shares an event loop with the server
// and each server's RSS is its own. Plain JSON over Node's IPC channel.

/**
 * A login the load generator repeats. Each answer must be a 200 carrying
 * `auth.client_token`. For `jwt` the worker signs `tokens` distinct JWTs with the private
 * key before the clock starts (signing is not measured) and sends them in turn.
 */
export type LoginSpec =
  | { readonly method: 'userpass'; readonly mount: string; readonly username: string; readonly password: string }
  | { readonly method: 'approle'; readonly mount: string; readonly roleId: string; readonly secretId: string }
  | {
      readonly method: 'jwt';
      readonly mount: string;
      readonly role: string;
      /** PKCS#8 PEM of the ES256 key whose public half is the mount's jwt_validation_pubkeys. */
      readonly privateKeyPem: string;
      readonly issuer: string;
      readonly audience: string;
      readonly tokens: number;
    };

/** What the load generator sends, and how. `kind` picks the request shape. */
export interface LoadSpec {
  readonly baseUrl: string;
  readonly kind: 'get' | 'kv-write' | 'token-create' | 'login';
  /** For `login`: which login to repeat. */
  readonly login?: LoginSpec;
  /** For `get`: the path read each time. For `kv-write`: the prefix of distinct keys. */
  readonly path: string;
  readonly token: string;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Size in bytes of the value written by `kv-write`. */
  readonly valueBytes: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  /** The first non-2xx status seen, for the report (0 if none). */
  readonly firstErrorStatus: number;
  /** The first error's reason (the first of Vault's `errors`, or why a login answer was refused), '' if none. */
  readonly firstError: string;
  readonly seconds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** How a server host starts. `ceiling` is a bare node:http server, not Arca. */
export type HostSpec =
  | { readonly mode: 'ceiling'; readonly bodyBytes: number }
  | {
      readonly mode: 'arca';
      readonly dataDir: string;
      readonly storage: 'sqlite' | 'postgres';
      readonly postgresUrl?: string;
      readonly postgresTable?: string;
      /** A FakeClock instead of the system clock (lease reaping bench). */
      readonly fakeClock?: boolean;
    };

export type HostCommand =
  | { readonly cmd: 'rss' }
  | {
      readonly cmd: 'mint';
      /** `create`: TokenStore.create, `concurrency` at a time; `bulk`: bulk-token-loader, `batch` per transaction. */
      readonly method: 'create' | 'bulk';
      readonly count: number;
      readonly budgetMs: number;
      readonly ttlSeconds: number;
      readonly concurrency: number;
      /** Tokens per transaction for `bulk`. */
      readonly batch: number;
    }
  | { readonly cmd: 'reap'; readonly advanceMs: number; readonly batch: number; readonly budgetMs: number }
  | { readonly cmd: 'close' };

export type HostReply =
  | { readonly type: 'ready'; readonly address: string; readonly rootToken: string; readonly sinceProcessStartMs: number; readonly rss: number }
  | { readonly type: 'rss'; readonly rss: number }
  | { readonly type: 'minted'; readonly count: number; readonly seconds: number }
  | { readonly type: 'reaped'; readonly count: number; readonly seconds: number }
  | { readonly type: 'closed' }
  | { readonly type: 'error'; readonly message: string };
