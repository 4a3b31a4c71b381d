// src/sys — the system backend mounted at sys/: one path table assembled from the
// per-area files. Every sys endpoint is declared like any engine path.
import type { Backend, BackendFactory } from '../framework/backend.js';
import { definePath } from '../framework/path-spec.js';
import { field } from '../framework/field.js';
import type { SystemContext } from './system-context.js';
import { sealPaths } from './path-seal.js';
import { mountPaths } from './path-mounts.js';
import { policyPaths } from './path-policies.js';
import { auditPaths } from './path-audit.js';
import { leasePaths } from './path-leases.js';
import { lockedUserPaths } from './path-locked-users.js';
import { wrappingSysPaths } from './path-wrapping.js';

export function createSystemBackend(ctx: () => SystemContext): BackendFactory {
  return (): Backend => {
    const c = ctx();
    return {
      id: 'system',
      type: 'system',
      kind: 'system',
      paths: [
        ...sealPaths(c),
        ...mountPaths(c),
        ...policyPaths(c),
        ...auditPaths(c),
        ...leasePaths(c),
        ...lockedUserPaths(c),
        ...wrappingSysPaths(c),
        definePath({
          pattern: 'metrics',
          fields: { format: field.string().default('') },
          operations: {
            read: async () => ({ raw: { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: await c.metricsText() } }),
          },
        }),
      ],
    };
  };
}
