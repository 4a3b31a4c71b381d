// src/core/leases — the lease record kept at sys/expire/id/<lease_id> and its rendering as
// Vault's sys/leases/lookup data. `internal` is the backend's revocation data: it is
// stored (encrypted by the barrier) but never returned to a client.

export interface LeaseEntry {
  /** `<request path>/<random id>`, as Vault names leases. */
  readonly leaseId: string;
  /** The request path that created the lease ("database/creds/readonly"). */
  readonly path: string;
  /** Epoch ms. */
  readonly issueTime: number;
  readonly expireTime: number;
  /** Epoch ms of the last renewal, 0 when never renewed. */
  readonly lastRenewalTime: number;
  /** Seconds granted at issue or at the last renewal. */
  readonly ttl: number;
  /** Effective max TTL in seconds, counted from `issueTime`. */
  readonly maxTtl: number;
  readonly renewable: boolean;
  /** The backend's secret type name (finds its renew/revoke callbacks). */
  readonly secretType: string;
  readonly internal: Record<string, unknown>;
  readonly mountAccessor: string;
  /** The owning token's storage-safe key ('' when the lease has no token). */
  readonly tokenKey: string;
}

/** Vault's `sys/leases/lookup` response data. */
export interface LeaseLookup {
  readonly id: string;
  readonly issue_time: string;
  readonly expire_time: string | null;
  readonly last_renewal: string | null;
  readonly renewable: boolean;
  readonly ttl: number;
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

export function leaseLookupData(lease: LeaseEntry, now: number): LeaseLookup {
  return {
    id: lease.leaseId,
    issue_time: rfc3339(lease.issueTime),
    expire_time: lease.expireTime > 0 ? rfc3339(lease.expireTime) : null,
    last_renewal: lease.lastRenewalTime > 0 ? rfc3339(lease.lastRenewalTime) : null,
    renewable: lease.renewable,
    ttl: lease.expireTime > 0 ? Math.max(0, Math.floor((lease.expireTime - now) / 1000)) : 0,
  };
}
