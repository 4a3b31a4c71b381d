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
import { configAuditingPaths } from './path-config-auditing.js';
import { leasePaths } from './path-leases.js';
import { lockedUserPaths } from './path-locked-users.js';
import { wrappingSysPaths } from './path-wrapping.js';
import { mfaSysPaths } from './path-mfa.js';
import { mintLoginToken } from '../core/login-completion.js';
import type { ParkedLogin } from '../core/login-completion.js';
import type { MintedAuthResponse } from '../core/core-response.js';

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
        ...configAuditingPaths(c),
        ...leasePaths(c),
        ...lockedUserPaths(c),
        ...wrappingSysPaths(c),
        ...mfaSysPaths({
          mfa: () => c.core.mfa,
          // The parked login is minted against its own auth mount, not sys/.
          complete: async (payload): Promise<MintedAuthResponse> => {
            const login = await mintLoginToken(c.core, payload as ParkedLogin);
            return { tokenAuth: login.auth, ...(login.warnings.length > 0 ? { warnings: login.warnings } : {}) };
          },
        }),
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
