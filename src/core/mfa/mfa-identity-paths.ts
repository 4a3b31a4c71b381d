// src/core/mfa — the identity/mfa/... path table the identity backend serves for login MFA
// (methods, enrolment, login enforcements). The lead passes it to createIdentityBackend as
// extra paths; every handler works on the shared MfaManager, not on the mount's storage.
// MfaManager keeps nothing in memory, so one instance over the barrier can be built once at
// start-up and outlive seal/unseal cycles (the barrier refuses while sealed). `redirects` is
// the identity store's merge redirects, so enrolment acts on the entity a token now is.
import type { AnyPathSpec } from '../../framework/path-spec.js';
import type { EntityRedirects } from './entity-redirects.js';
import type { MfaManager } from './mfa-manager.js';
import { mfaEnforcementPaths } from './path-mfa-enforcement.js';
import { mfaMethodPaths } from './path-mfa-method.js';

export function mfaIdentityPaths(manager: MfaManager, redirects: EntityRedirects): AnyPathSpec[] {
  return [...mfaMethodPaths(manager, redirects), ...mfaEnforcementPaths(manager)];
}
