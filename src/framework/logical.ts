// src/framework — the logical request and response that travel through the pipeline:
// http/ builds a LogicalRequest, core/ authorises, audits and routes it, an engine handler
// returns a LogicalResponse, core/ turns `secret`/`auth` into leases and tokens, and http/
// renders Vault's JSON envelope.

export const OPERATIONS = ['read', 'list', 'create', 'update', 'patch', 'delete'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** A client certificate as sent: DER of the leaf and of any intermediates the client sent. */
export interface PeerCertificate {
  readonly der: Uint8Array;
  readonly chain: readonly Uint8Array[];
}

/** What the core knows about the caller once its token is resolved. */
export interface RequestAuth {
  readonly accessor: string;
  readonly policies: readonly string[];
  readonly tokenPolicies: readonly string[];
  readonly displayName: string;
  readonly entityId: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly tokenType: 'service' | 'batch';
  /**
   * Seconds the token was granted at creation or at its last renewal (Vault's te.TTL, which
   * audit records show as `token_ttl`); 0 = does not expire. Not the time left: that changes
   * every second, and this object is shared by every request of the token (see TokenStore).
   */
  readonly ttl: number;
  /** When the token was created (ms since the epoch; audit's `token_issue_time`). */
  readonly issueTime: number;
  readonly orphan: boolean;
  /** HMAC-derived, storage-safe id of the token (used by cubbyhole to scope storage). */
  readonly tokenKey: string;
}

export interface LogicalRequest {
  readonly id: string;
  operation: Operation;
  /** Full API path without /v1/, e.g. "secret/data/app". */
  readonly path: string;
  data: Record<string, unknown>;
  /** Lower-cased request headers. */
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
  /** The raw client token, or '' when none was sent. Never logged or audited in clear. */
  readonly clientToken: string;
  /** Set by the router: the mount the request was routed to ("secret/") and the rest ("data/app"). */
  mountPoint: string;
  mountType: string;
  mountAccessor: string;
  relativePath: string;
  /** Set by the core after token lookup (absent for unauthenticated paths). */
  auth: RequestAuth | undefined;
  /** Seconds requested through X-Vault-Wrap-TTL (0 = no wrapping). */
  wrapTtl: number;
  /**
   * The client certificate of a TLS connection, when the client sent one. The listener asks
   * for it but does not verify it: the cert auth method verifies it against its roles' CAs.
   */
  readonly peerCertificate?: PeerCertificate;
}

/** A lease the core registers for a dynamic secret returned by a handler. */
export interface ResponseSecret {
  /** Secret type name declared by the backend (used to find its renew/revoke callbacks). */
  readonly type: string;
  /** Seconds; 0 uses the mount default. */
  readonly ttl: number;
  readonly maxTtl?: number;
  readonly renewable: boolean;
  /** Data kept with the lease for revocation (never returned to the client). */
  readonly internal: Record<string, unknown>;
}

/** What an auth method returns on a successful login: the core mints the token. */
export interface ResponseAuth {
  readonly policies: readonly string[];
  readonly displayName: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Seconds; 0 uses the mount default. */
  readonly ttl: number;
  readonly maxTtl: number;
  readonly period: number;
  readonly explicitMaxTtl: number;
  readonly numUses: number;
  readonly renewable: boolean;
  readonly boundCidrs: readonly string[];
  readonly tokenType?: 'service' | 'batch';
  /** The account on this mount (for identity aliases). */
  readonly alias?: { readonly name: string; readonly metadata?: Readonly<Record<string, string>> };
  /**
   * The account's group names as the method knows them (jwt/oidc: the groups_claim), for
   * identity's external groups (Vault's GroupAliases). Absent: the method reports no groups
   * and memberships are left alone; [] means "in none of this mount's groups".
   */
  readonly groupAliases?: readonly string[];
  /** Kept with the token; given back to the method on renewal. */
  readonly internal?: Record<string, unknown>;
}

export interface LogicalResponse {
  data?: Record<string, unknown>;
  warnings?: string[];
  secret?: ResponseSecret;
  auth?: ResponseAuth;
  /** An HTTP status other than the default (200 with data, 204 without). */
  status?: number;
  /** A non-JSON body (e.g. Prometheus text); bypasses the envelope. */
  raw?: { readonly contentType: string; readonly body: string | Uint8Array };
  /**
   * A refresh hint without a lease (Vault's KV v1 `ttl`): answered as `lease_duration`
   * with no lease id; 0 means the mount's default lease TTL.
   */
  ttlHint?: number;
  /**
   * An existing lease this answer reports (sys/leases/renew): rendered in the envelope's
   * lease_id / renewable / lease_duration, as Vault renders a renewed secret; nothing is
   * registered.
   */
  renewedLease?: { readonly leaseId: string; readonly renewable: boolean; readonly ttl: number };
}
