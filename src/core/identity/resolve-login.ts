// src/core/identity — the identity side of a successful login (IdentityStore.resolveLogin):
// the entity behind an auth method's account, created with its alias on first login, and its
// external group memberships on that mount refreshed from the groups the login reported.
// Reads go through IdentityCache; writes through IdentityStore's `write`, which invalidates
// the cache after commit. Most logins write nothing.
import type { StorageView, StorageViewTransaction } from '../../storage/storage-view.js';
import { createLoginAlias, refreshLoginAlias } from './entity-writes.js';
import type { MountLookup } from './entity-writes.js';
import { applyLoginMemberships } from './group-alias-writes.js';
import type { IdentityCache } from './identity-cache.js';
import { identityInput, sameStringMap } from './identity-input.js';
import { identityKeys } from './identity-records.js';
import type { AliasRef } from './identity-records.js';

export interface LoginIdentity {
  readonly mountAccessor: string;
  readonly mountType: string;
  readonly aliasName: string;
  readonly aliasMetadata?: Readonly<Record<string, string>>;
  /** The account's group names on this mount; absent = the method reports no groups. */
  readonly groupAliases?: readonly string[];
}

/** IdentityStore's transactional write: runs `fn` in one transaction, then drops the caches. */
export type IdentityWrite = <T>(fn: (tx: StorageViewTransaction, now: number) => Promise<T>) => Promise<T>;

export interface LoginDeps {
  /** The sys/identity/ slice. */
  readonly view: StorageView;
  readonly cache: IdentityCache;
  readonly write: IdentityWrite;
  readonly lookupMount: MountLookup | undefined;
}

/** The entity behind an account on an auth mount; creates entity + alias on first login. */
export async function resolveLogin(deps: LoginDeps, login: LoginIdentity): Promise<{ entityId: string }> {
  const aliasName = identityInput.name(login.aliasName, 'alias');
  const metadata = identityInput.metadata(login.aliasMetadata ?? {});
  const groupNames = login.groupAliases === undefined ? undefined : identityInput.groupNames(login.groupAliases);
  const entityId = await loginEntity(deps, login, aliasName, metadata);
  if (groupNames !== undefined) await refreshExternalGroups(deps, entityId, login.mountAccessor, groupNames);
  return { entityId };
}

async function loginEntity(deps: LoginDeps, login: LoginIdentity, aliasName: string, metadata: Record<string, string>): Promise<string> {
  const ref = await deps.view.getJson<AliasRef>(identityKeys.aliasKey(login.mountAccessor, aliasName));
  if (ref) {
    const entity = await deps.cache.entity(ref.entityId);
    const alias = entity?.aliases.find((a) => a.id === ref.aliasId);
    if (login.aliasMetadata !== undefined && alias && !sameStringMap(alias.metadata, metadata)) {
      await deps.write((tx, now) => refreshLoginAlias(tx, ref, metadata, now));
    }
    return ref.entityId;
  }
  const mountPath = deps.lookupMount?.(login.mountAccessor)?.path ?? '';
  return deps.write((tx, now) =>
    createLoginAlias(tx, { mountAccessor: login.mountAccessor, mountType: login.mountType, mountPath, aliasName, aliasMetadata: metadata }, now),
  );
}

/**
 * Vault's refreshExternalGroupMembershipsByEntityID: the entity joins the external groups
 * aliased on this mount under a reported name and leaves this mount's others. Planned on
 * the cached graph and written only when something changes (most logins change nothing);
 * the write re-checks every planned group inside its transaction.
 */
async function refreshExternalGroups(deps: LoginDeps, entityId: string, mountAccessor: string, names: ReadonlySet<string>): Promise<void> {
  const groupIds = (await deps.cache.graph()).loginChanges(entityId, mountAccessor, names);
  if (groupIds.length === 0) return;
  await deps.write((tx, now) => applyLoginMemberships(tx, { entityId, mountAccessor, names, groupIds }, now));
}
