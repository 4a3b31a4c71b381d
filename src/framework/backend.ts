// src/framework — the plugin contract shared by secret engines, auth methods and the system
// backend. A factory creates a Backend without side effects; the core provisions it with a
// storage view scoped to its mount and calls `initialize` before it serves.
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { StorageView } from '../storage/storage-view.js';
import type { AnyPathSpec } from './path-spec.js';
import type { LogicalRequest, PeerCertificate } from './logical.js';

/** Limits the core applies to a mount (seconds). */
export interface MountConfig {
  readonly defaultLeaseTtl: number;
  readonly maxLeaseTtl: number;
}

export interface BackendEnv {
  readonly storage: StorageView;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `options` of the mount (e.g. kv `{ version: "2" }`). */
  readonly options: Readonly<Record<string, string>>;
  readonly mountPoint: string;
  readonly mountAccessor: string;
  config(): MountConfig;
}

/** Renew/revoke callbacks for a kind of dynamic secret (lease). */
export interface SecretType {
  renew?(internal: Record<string, unknown>, env: BackendEnv): Promise<void>;
  revoke(internal: Record<string, unknown>, env: BackendEnv): Promise<void>;
}

/**
 * A login token about to be renewed, as its login recorded it (what Vault hands an auth
 * method's AuthRenew callback as `req.Auth`), plus the renewal request's connection.
 */
export interface LoginRenewal {
  /** The login path the token was minted on ("auth/userpass/login/alice"). */
  readonly path: string;
  /** The token's metadata, as the login returned it (immutable for the token's life). */
  readonly metadata: Readonly<Record<string, string>>;
  /** The token's own policies ("default" included unless the login left it out). */
  readonly policies: readonly string[];
  readonly displayName: string;
  /**
   * The method's private login data the token keeps (ResponseAuth.internal: jwt's role,
   * cert's certificate binding). Absent when the login returned none, and for tokens minted
   * before login tokens kept it.
   */
  readonly internal?: Readonly<Record<string, unknown>>;
  /** The renewal request's client address and TLS client certificate (cert's binding check). */
  readonly remoteAddress: string;
  readonly peerCertificate?: PeerCertificate;
}

/**
 * What an auth method answers when it lets a renewal go on: the current token settings of
 * the user or role the login went through (Vault's AuthRenew setting the renewed Auth's
 * TTL, MaxTTL and Period). Seconds; 0 = unset (the mount's default and max TTL apply, and the
 * token is not periodic). The token keeps its own explicit max TTL; the issuing mount's
 * tuned limits always apply.
 */
export interface LoginRenewalTerms {
  readonly ttl: number;
  readonly maxTtl: number;
  readonly period: number;
}

export interface Backend {
  /** Namespaced plugin id, e.g. "secrets.kv", "auth.userpass". */
  readonly id: string;
  /** Mount type as Vault names it ("kv", "cubbyhole", "userpass"). */
  readonly type: string;
  readonly kind: 'secret' | 'auth' | 'system';
  readonly paths: readonly AnyPathSpec[];
  readonly secretTypes?: Readonly<Record<string, SecretType>>;
  initialize?(): Promise<void>;
  /** Called when the backend is unmounted (after its storage is dropped) or the server stops. */
  cleanup?(): Promise<void>;
  /** Called when a token is revoked, with its storage-safe key (cubbyhole drops its data). */
  onTokenRevoked?(tokenKey: string): Promise<void>;
  /**
   * Auth methods: asked before a renewable token minted by a login on this mount is renewed
   * (auth/token/renew, renew-self), as Vault asks a method's AuthRenew. Resolve to let the
   * renewal go on, with the terms it is extended by (undefined: the token's own, as its login
   * set them); throw an ArcaError to refuse it (invalid_request: 400 with its message, which
   * must name no secret). A method without the hook has its tokens renewed unasked.
   */
  renewLogin?(login: LoginRenewal): Promise<LoginRenewalTerms | undefined>;
  /** Lets a backend reject/adjust a request before routing (rarely needed). */
  preflight?(req: LogicalRequest): void;
}

export type BackendFactory = (env: BackendEnv) => Backend;
