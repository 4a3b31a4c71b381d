// src/core/identity — what identity adds to a token on each request (IdentityStore.effective):
// the policies an entity gets from itself, its groups (direct and inherited) and its active
// temporary grants, plus the shape templated policies see. Reads only through IdentityCache.
import { ArcaError } from '../../lib/errors.js';
import type { TemplateIdentity } from '../../policy/render-policy-template.js';
import { isGrantActive } from './access-grant.js';
import type { IdentityCache } from './identity-cache.js';
import type { EntityRecord, GrantRecord, GroupRecord } from './identity-records.js';

export interface EffectiveIdentity {
  /** Everything identity adds to a token's own policies: identityPolicies + active grants. */
  readonly policies: string[];
  /** Entity + (transitive) group policies: Vault's `identity_policies`. */
  readonly identityPolicies: string[];
  /** The grants that contributed, all active at `now`. */
  readonly grants: readonly GrantRecord[];
  /** Shaped for renderPolicy; absent when the entity no longer exists. */
  readonly entity?: NonNullable<TemplateIdentity['entity']>;
  readonly groups: { id: string; name: string }[];
}

/**
 * The identity-derived policies of a token's entity at `now`. A disabled entity is refused;
 * a merged one answers as the entity it was merged into; an entity that no longer exists
 * contributes nothing. `consulted` is told every grant of the entity and its groups, active
 * or not, before the answer is returned (grant-use auditing).
 */
export async function effectiveIdentity(
  cache: IdentityCache,
  tokenEntityId: string,
  now: number,
  consulted: (grants: readonly GrantRecord[]) => Promise<void>,
): Promise<EffectiveIdentity> {
  const entity = tokenEntityId === '' ? undefined : await cache.liveEntity(tokenEntityId);
  if (!entity) return { policies: [], identityPolicies: [], grants: [], groups: [] };
  if (entity.disabled) throw new ArcaError('permission_denied', 'permission denied');
  const entityId = entity.id;
  const graph = await cache.graph();
  const { direct, inherited } = graph.groupsOf(entityId);
  const groups: GroupRecord[] = [];
  for (const id of [...direct, ...inherited]) {
    const g = graph.byId.get(id);
    if (g) groups.push(g);
  }
  const identityPolicies = new Set(entity.policies);
  for (const g of groups) for (const p of g.policies) identityPolicies.add(p);
  const groupIds = new Set(groups.map((g) => g.id));
  const relevant = (await cache.grants()).filter(
    (g) => (g.target === 'entity' && g.targetId === entityId) || (g.target === 'group' && groupIds.has(g.targetId)),
  );
  const active = relevant.filter((g) => isGrantActive(g, now));
  await consulted(relevant);
  const policies = new Set(identityPolicies);
  for (const g of active) for (const p of g.policies) policies.add(p);
  return {
    policies: [...policies].sort(),
    identityPolicies: [...identityPolicies].sort(),
    grants: active,
    entity: templateEntity(entity),
    groups: groups.map((g) => ({ id: g.id, name: g.name })),
  };
}

function templateEntity(entity: EntityRecord): NonNullable<TemplateIdentity['entity']> {
  const aliases: Record<string, { name: string; id: string; metadata: Readonly<Record<string, string>> }> = {};
  for (const a of entity.aliases) aliases[a.mountAccessor] = { name: a.name, id: a.id, metadata: a.metadata };
  return { id: entity.id, name: entity.name, metadata: entity.metadata, aliases };
}
