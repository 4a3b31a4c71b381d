// src/auth/approle — stored secret-ids of one approle mount. Layout of the mount's view:
//   secret-id/<role>/<hmac(secret_id)>   SecretIdEntry (the secret-id itself is never stored)
//   accessor/<role>/<accessor>           { hmac } — the non-secret handle used to list,
//                                        look up and destroy a secret-id
// Times are epoch milliseconds from the mount's clock; expiration 0 = never.
import type { StorageViewTransaction } from '../../storage/storage-view.js';

export interface SecretIdEntry {
  readonly secret_id_accessor: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly cidr_list: readonly string[];
  readonly token_bound_cidrs: readonly string[];
  /** Uses left; 0 = unlimited. */
  readonly secret_id_num_uses: number;
  /** Seconds, as granted. */
  readonly secret_id_ttl: number;
  readonly creation_time: number;
  readonly expiration_time: number;
  readonly last_updated_time: number;
}

export const secretIdPrefix = (role: string): string => `secret-id/${role}/`;
export const secretIdKey = (role: string, hmac: string): string => `${secretIdPrefix(role)}${hmac}`;
export const accessorPrefix = (role: string): string => `accessor/${role}/`;
export const accessorKey = (role: string, accessor: string): string => `${accessorPrefix(role)}${accessor}`;

/** Accessors are UUIDs we made; anything else cannot name a stored one (and is not storage-safe). */
export const ACCESSOR_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isExpired(entry: SecretIdEntry, now: number): boolean {
  return entry.expiration_time > 0 && now >= entry.expiration_time;
}

export function getSecretId(tx: StorageViewTransaction, role: string, hmac: string): Promise<SecretIdEntry | undefined> {
  return tx.getJson<SecretIdEntry>(secretIdKey(role, hmac));
}

export async function putSecretId(tx: StorageViewTransaction, role: string, hmac: string, entry: SecretIdEntry): Promise<void> {
  await tx.putJson(secretIdKey(role, hmac), entry);
  await tx.putJson(accessorKey(role, entry.secret_id_accessor), { hmac });
}

export async function deleteSecretId(tx: StorageViewTransaction, role: string, hmac: string): Promise<boolean> {
  const entry = await getSecretId(tx, role, hmac);
  if (entry === undefined) return false;
  await tx.delete(secretIdKey(role, hmac));
  await tx.delete(accessorKey(role, entry.secret_id_accessor));
  return true;
}

/** The HMAC an accessor points to, if the accessor exists under `role`. */
export async function hmacForAccessor(tx: StorageViewTransaction, role: string, accessor: string): Promise<string | undefined> {
  if (!ACCESSOR_PATTERN.test(accessor)) return undefined;
  return (await tx.getJson<{ hmac: string }>(accessorKey(role, accessor)))?.hmac;
}

/** Drops every secret-id and accessor of a role (role deletion). */
export async function deleteAllSecretIds(tx: StorageViewTransaction, role: string): Promise<void> {
  for (const key of await tx.scan(secretIdPrefix(role))) await tx.delete(key);
  for (const key of await tx.scan(accessorPrefix(role))) await tx.delete(key);
}

const ZERO_TIME = '0001-01-01T00:00:00Z';
const rfc3339 = (ms: number): string => (ms === 0 ? ZERO_TIME : new Date(ms).toISOString());

/** The lookup answer (Vault's field names; times as RFC 3339). */
export function secretIdResponse(entry: SecretIdEntry): Record<string, unknown> {
  return {
    secret_id_accessor: entry.secret_id_accessor,
    metadata: { ...entry.metadata },
    cidr_list: [...entry.cidr_list],
    token_bound_cidrs: [...entry.token_bound_cidrs],
    secret_id_num_uses: entry.secret_id_num_uses,
    secret_id_ttl: entry.secret_id_ttl,
    creation_time: rfc3339(entry.creation_time),
    expiration_time: rfc3339(entry.expiration_time),
    last_updated_time: rfc3339(entry.last_updated_time),
  };
}
