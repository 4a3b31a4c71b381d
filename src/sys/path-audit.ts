// src/sys — audit devices: sys/audit (list), sys/audit/:path (enable/disable, sudo),
// sys/audit-hash/:path (the HMAC a device would write for an input, to search logs),
// sys/audit-head/:path (Arca: where a device's hash chain stands, sudo; a checkpoint for
// `arca audit verify -checkpoint`, which can then show a cut-off tail).
import { definePath } from '../framework/path-spec.js';
import type { AnyPathSpec } from '../framework/path-spec.js';
import { field } from '../framework/field.js';
import { ArcaError } from '../lib/errors.js';
import type { SystemContext } from './system-context.js';

export function auditPaths(ctx: SystemContext): AnyPathSpec[] {
  return [
    definePath({
      pattern: 'audit',
      sudo: true,
      fields: {},
      operations: { read: async () => ({ data: ctx.core.audit.list() as unknown as Record<string, unknown> }) },
    }),
    definePath({
      pattern: 'audit/(?<path>.+)',
      sudo: true,
      fields: {
        path: field.string().required(),
        type: field.enum(['file', 'socket', 'syslog'] as const).optional(),
        description: field.string().default(''),
        options: field.stringMap().default({}),
        local: field.bool().default(false),
      },
      operations: {
        update: async ({ fields }) => {
          if (!fields.type) throw new ArcaError('invalid_request', 'missing required field "type"');
          await ctx.core.auditTable.enable({ path: fields.path, type: fields.type, description: fields.description, options: fields.options, local: fields.local });
          return undefined;
        },
        delete: async ({ req }) => {
          await ctx.core.auditTable.disable(req.relativePath.slice('audit/'.length));
          return undefined;
        },
      },
    }),
    definePath({
      pattern: 'audit-head/(?<path>.+)',
      sudo: true,
      fields: { path: field.string().required() },
      operations: {
        read: async ({ fields }) => {
          const head = ctx.core.audit.headOf(fields.path);
          return { data: { seq: head.seq, hash: head.hash } };
        },
      },
    }),
    definePath({
      pattern: 'audit-hash/(?<path>.+)',
      fields: { path: field.string().required(), input: field.string().required() },
      operations: {
        update: async ({ fields }) => {
          const p = fields.path.endsWith('/') ? fields.path : `${fields.path}/`;
          return { data: { hash: ctx.core.audit.hashValue(p, fields.input) } };
        },
      },
    }),
  ];
}
