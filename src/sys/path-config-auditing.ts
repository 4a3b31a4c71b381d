// src/sys — Vault's audited request headers: sys/config/auditing/request-headers (read all)
// and sys/config/auditing/request-headers/:name (read, write `hmac`, delete), all sudo.
// The settings live in the MountManager's AuditedHeaders (core/router/audited-headers.ts),
// persisted above the barrier; audit records carry the configured headers present on a
// request in `request.headers` (lower-case names), HMAC'd unless hmac=false.
import { definePath } from '../framework/path-spec.js';
import type { AnyPathSpec } from '../framework/path-spec.js';
import { field } from '../framework/field.js';
import { ArcaError } from '../lib/errors.js';
import type { SystemContext } from './system-context.js';
import type { AuditedHeaders } from '../core/router/audited-headers.js';

export function configAuditingPaths(ctx: SystemContext): AnyPathSpec[] {
  const headers = (): AuditedHeaders => ctx.core.mounts.auditedHeaders;
  return [
    definePath({
      pattern: 'config/auditing/request-headers',
      sudo: true,
      fields: {},
      operations: { read: async () => ({ data: { headers: headers().list() } }) },
    }),
    definePath({
      pattern: 'config/auditing/request-headers/(?<header>.+)',
      sudo: true,
      fields: { header: field.string().required(), hmac: field.bool().default(false) },
      operations: {
        read: async ({ fields }) => {
          const settings = headers().get(fields.header);
          // Vault answers 400 with this text for a header that is not configured.
          if (settings === undefined) throw new ArcaError('invalid_request', 'Could not find header in config');
          return { data: { [fields.header]: settings } };
        },
        update: async ({ fields }) => {
          await headers().set(fields.header, { hmac: fields.hmac });
          return undefined;
        },
        delete: async ({ fields }) => {
          await headers().remove(fields.header);
          return undefined;
        },
      },
    }),
  ];
}
