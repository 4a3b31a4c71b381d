// src/framework — the plugin contract shared by secret engines, auth methods and the system
// backend. A factory creates a Backend without side effects; the core provisions it with a
// storage view scoped to its mount and calls `initialize` before it serves.
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { StorageView } from '../storage/storage-view.js';
import type { AnyPathSpec } from './path-spec.js';
import type { LogicalRequest } from './logical.js';

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
  /** Lets a backend reject/adjust a request before routing (rarely needed). */
  preflight?(req: LogicalRequest): void;
}

export type BackendFactory = (env: BackendEnv) => Backend;
