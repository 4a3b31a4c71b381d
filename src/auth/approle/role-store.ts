// src/auth/approle — stored roles of one approle mount. Layout of the mount's view:
//   role/<name>                 RoleEntry (role names keep their case, as Vault's new roles do)
//   role-id/<hmac(role_id)>     { name } — the login index from a role_id to its role
// Writes that touch a role and its index run in one transaction so they never disagree.
import { ArcaError } from '../../lib/errors.js';
import type { StorageViewTransaction } from '../../storage/storage-view.js';
import type { TokenParams } from '../token-fields.js';
import type { Hasher } from './mount-key.js';

export interface RoleEntry {
  readonly name: string;
  readonly role_id: string;
  readonly bind_secret_id: boolean;
  readonly secret_id_bound_cidrs: readonly string[];
  /** 0 = unlimited. */
  readonly secret_id_num_uses: number;
  /** Seconds; 0 = secret-ids do not expire. */
  readonly secret_id_ttl: number;
  readonly local_secret_ids: boolean;
  readonly token: TokenParams;
}

/** Vault's framework.GenericNameRegex (with '@'). */
export const ROLE_NAME_PATTERN = String.raw`\w(?:[\w.@-]*\w)?`;

const MAX_ROLE_NAME = 128;
export const MAX_ID_LENGTH = 4096;

export function checkRoleName(name: string): string {
  if (name.length > MAX_ROLE_NAME) throw new ArcaError('invalid_request', `role_name must be at most ${MAX_ROLE_NAME} characters`);
  return name;
}

export function checkCredentialId(value: string, fieldName: string): string {
  if (value === '' || value.length > MAX_ID_LENGTH) {
    throw new ArcaError('invalid_request', `"${fieldName}" must be between 1 and ${MAX_ID_LENGTH} characters`);
  }
  return value;
}

export const roleKey = (name: string): string => `role/${name}`;
export const roleIdKey = (roleIdHmac: string): string => `role-id/${roleIdHmac}`;

export function getRole(tx: StorageViewTransaction, name: string): Promise<RoleEntry | undefined> {
  return tx.getJson<RoleEntry>(roleKey(name));
}

export async function requireRole(tx: StorageViewTransaction, name: string): Promise<RoleEntry> {
  const role = await getRole(tx, name);
  if (role === undefined) throw new ArcaError('invalid_request', `role ${JSON.stringify(name)} does not exist`);
  return role;
}

/**
 * Stores `next` and moves the role_id index when the role_id changed. A role_id already
 * owned by another role is refused (logins would otherwise be ambiguous).
 */
export async function putRole(tx: StorageViewTransaction, next: RoleEntry, hmacOf: Hasher, previous: RoleEntry | undefined): Promise<void> {
  const newIndex = roleIdKey(hmacOf(next.role_id));
  const owner = await tx.getJson<{ name: string }>(newIndex);
  if (owner && owner.name !== next.name) throw new ArcaError('invalid_request', 'role_id already in use');
  if (previous && previous.role_id !== next.role_id) await tx.delete(roleIdKey(hmacOf(previous.role_id)));
  await tx.putJson(newIndex, { name: next.name });
  await tx.putJson(roleKey(next.name), next);
}

/** The role a login's role_id names, if any. */
export async function roleByRoleId(tx: StorageViewTransaction, roleIdHmac: string): Promise<RoleEntry | undefined> {
  const index = await tx.getJson<{ name: string }>(roleIdKey(roleIdHmac));
  return index === undefined ? undefined : getRole(tx, index.name);
}
