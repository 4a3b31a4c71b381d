// src/core/identity — Arca's temporary access endpoints (not in Vault): POST access/grant
// gives an entity or a group extra policies until a time (`until`, RFC3339) or for a
// duration (`ttl`), with a mandatory reason; access/grant/:id reads or revokes one; LIST
// access/grant lists them all, expired ones included (marked `active: false`).
import { ArcaError } from '../../lib/errors.js';
import { field } from '../../framework/field.js';
import type { LogicalRequest } from '../../framework/logical.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { grantData } from './identity-response.js';
import type { IdentityStore } from './identity-store.js';

function bad(message: string): ArcaError {
  return new ArcaError('invalid_request', message);
}

/** Who granted: the caller's display name and token accessor (never the token). */
function grantedBy(req: LogicalRequest): string {
  if (!req.auth) return 'unknown';
  const who = req.auth.entityId !== '' ? `${req.auth.displayName} (entity ${req.auth.entityId})` : req.auth.displayName;
  return `${who}, accessor ${req.auth.accessor}`;
}

export function accessGrantPaths(store: IdentityStore): AnyPathSpec[] {
  return [
    definePath({
      pattern: 'access/grant/?',
      fields: {
        entity_id: field.string().optional('entity to grant to'),
        group_id: field.string().optional('group to grant to'),
        policies: field.strings().optional('policies granted (required)'),
        ttl: field.duration().optional('how long the grant lasts ("2h")'),
        until: field.string().optional('when the grant ends (RFC3339)'),
        reason: field.string().optional('why access is granted (required; kept with the grant and audited)'),
      },
      operations: {
        update: async ({ fields, req }) => {
          if ((fields.entity_id === undefined) === (fields.group_id === undefined)) throw bad('exactly one of entity_id or group_id is required');
          if ((fields.ttl === undefined) === (fields.until === undefined)) throw bad('exactly one of ttl or until is required');
          const grant = await store.grant({
            target: fields.entity_id !== undefined ? 'entity' : 'group',
            id: fields.entity_id ?? fields.group_id ?? '',
            policies: fields.policies ?? [],
            until: fields.until ?? fields.ttl ?? 0,
            reason: fields.reason ?? '',
            grantedBy: grantedBy(req),
          });
          return { data: grantData(grant, grant.created) };
        },
        list: async ({ clock }) => {
          const all = [...(await store.listGrants())].sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
          if (all.length === 0) return undefined;
          const now = clock.now();
          return { data: { keys: all.map((g) => g.id), key_info: Object.fromEntries(all.map((g) => [g.id, grantData(g, now)])) } };
        },
      },
      existenceCheck: async () => false,
      summary: 'Grant policies to an entity or group for a limited time; list grants',
    }),
    definePath({
      pattern: 'access/grant/(?<id>[^/]+)',
      fields: { id: field.string().required() },
      operations: {
        read: async ({ fields, clock }) => {
          const grant = await store.readGrant(fields.id);
          return grant ? { data: grantData(grant, clock.now()) } : undefined;
        },
        delete: async ({ fields }) => {
          await store.revokeGrant(fields.id);
          return undefined;
        },
      },
      summary: 'Read or revoke a temporary access grant',
    }),
  ];
}
