// src/core/tokens — the token record kept at sys/token/id/<tokenKey>. The raw token is never
// stored: `id` is HMAC-SHA256(token, salt) in hex and doubles as the storage-safe tokenKey
// carried by RequestAuth (cubbyhole scopes storage by it).

export interface TokenEntry {
  /** HMAC of the token (the tokenKey). */
  readonly id: string;
  readonly accessor: string;
  readonly policies: readonly string[];
  readonly meta: Readonly<Record<string, string>>;
  readonly displayName: string;
  /** Uses left: 0 = unlimited; -1 = the last use happened and revocation is pending. */
  readonly numUses: number;
  /** Epoch ms. */
  readonly creationTime: number;
  /** Seconds granted at creation (Vault's creation_ttl). */
  readonly creationTtl: number;
  /** Seconds granted at creation or at the last renewal. */
  readonly ttl: number;
  readonly explicitMaxTtl: number;
  readonly period: number;
  readonly renewable: boolean;
  /** Parent tokenKey, '' for an orphan. */
  readonly parent: string;
  readonly orphan: boolean;
  /** The creation path ("auth/token/create", "auth/userpass/login/alice"). */
  readonly path: string;
  /** The token role it was created through (auth/token/create/:role_name); absent otherwise. */
  readonly role?: string;
  readonly entityId: string;
  readonly type: 'service';
  readonly boundCidrs: readonly string[];
  /** Epoch ms; 0 = never expires. */
  readonly expireTime: number;
  /** Epoch ms; 0 = never renewed. */
  readonly lastRenewalTime: number;
  /**
   * Login tokens: the accessor of the auth mount whose login minted the token (indexed at
   * sys/token/mount/<accessor>/<tokenKey>, so disabling the mount revokes it). Absent for
   * tokens no login minted, and for login tokens minted before mounts were recorded.
   */
  readonly mountAccessor?: string;
  /**
   * The auth method's private login data (ResponseAuth.internal: jwt's role, cert's
   * certificate binding). Never shown: lookups, auth blocks and RequestAuth (which audit
   * records) pick their fields by name and leave it out.
   */
  readonly internal?: Readonly<Record<string, unknown>>;
}

/** Whether the token may be used at `now` (expired tokens are dead before the reaper runs). */
export function isLive(entry: TokenEntry, now: number): boolean {
  if (entry.numUses < 0) return false;
  return entry.expireTime === 0 || entry.expireTime > now;
}
