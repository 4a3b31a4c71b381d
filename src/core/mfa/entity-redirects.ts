// src/core/mfa — which entity an enrolment path acts on once identity/entity/merge has run.
// A token keeps the entity id it was issued with (lookup-self and audit show that id, as in
// Vault), but the merged-away entity no longer exists: logins of its aliases resolve to the
// merge target, so a secret enrolled under the old id would never be asked for. The caller's
// own paths therefore act on the target, exactly as the target's own token would; paths that
// name an entity (admin-*) refuse a merged-away id and name the target instead, as
// identity/entity/id/<merged id> is a 404 (acting on the target silently could destroy its
// enrolment on a stale id).
import { ArcaError } from '../../lib/errors.js';

/** The identity store's merge redirects (IdentityStore.mergedInto). */
export interface EntityRedirects {
  /** The target's id when `id` was merged away, else undefined. */
  mergedInto(id: string): Promise<string | undefined>;
}

/** The entity a token's own enrolment acts on: its entity, or the one that entity was merged into. */
export async function callerEntityId(redirects: EntityRedirects, tokenEntityId: string): Promise<string> {
  if (tokenEntityId === '') return '';
  return (await redirects.mergedInto(tokenEntityId)) ?? tokenEntityId;
}

/** An entity id sent by an administrator, refused when it names a merged-away entity. */
export async function namedEntityId(redirects: EntityRedirects, entityId: string): Promise<string> {
  const target = await redirects.mergedInto(entityId);
  if (target !== undefined) {
    throw new ArcaError('invalid_request', `invalid entity ID: ${JSON.stringify(entityId)} was merged into entity ${JSON.stringify(target)}; use that ID`);
  }
  return entityId;
}
