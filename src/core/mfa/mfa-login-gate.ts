// src/core/mfa — the one call the core makes when a login succeeded and before it mints a
// token: no matching enforcement → proceed; an X-Vault-MFA header → checked now (403 when it
// fails) → proceed; otherwise the login is parked and the core answers with Vault's
// `auth.mfa_requirement` (empty client_token) plus the warning below.
import type { LoginTarget, MfaManager, MfaRequirementResponse } from './mfa-manager.js';

export const MFA_PENDING_WARNING =
  'A login request was issued that is subject to MFA validation. Please make sure to validate the login by sending another request to mfa/validate endpoint.';

export type MfaGateResult =
  | { readonly kind: 'proceed' }
  | { readonly kind: 'pending'; readonly mfaRequirement: MfaRequirementResponse; readonly warning: string };

export interface MfaGateInput {
  readonly target: LoginTarget;
  /** Lower-cased request headers (x-vault-mfa is read). */
  readonly headers: Readonly<Record<string, string>>;
  /** What sys/mfa/validate must hand back to finish the login (e.g. the ResponseAuth and mount). */
  readonly payload: unknown;
  readonly ttlMs?: number;
}

export async function mfaLoginGate(manager: MfaManager, input: MfaGateInput): Promise<MfaGateResult> {
  const requirement = await manager.requirementFor(input.target);
  if (!requirement) return { kind: 'proceed' };
  const header = input.headers['x-vault-mfa'];
  if (header !== undefined && header.trim() !== '') {
    await manager.validateInline(requirement, input.target.entityId, header);
    return { kind: 'proceed' };
  }
  const mfaRequirement = await manager.startPending(requirement, input.payload, input.ttlMs);
  return { kind: 'pending', mfaRequirement, warning: MFA_PENDING_WARNING };
}
