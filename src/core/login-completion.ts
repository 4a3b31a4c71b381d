// src/core — what happens after an auth method accepted a login and before the caller gets
// a token: the account is resolved to an identity entity (created on first login) and,
// when the method reports the account's groups, the entity's external group memberships on
// this mount are refreshed from them (Vault's group aliases), login
// MFA may park the login (Vault's two-step `mfa_requirement`) or check an X-Vault-MFA
// header, and then the token is minted with the entity attached. sys/mfa/validate finishes a
// parked login through `mintLoginToken` with the same payload.
// Display names follow one rule for every method (Vault's core): the method returns only its
// name part (a username, a role's display_name, a claim value, or '' for none) and the token's
// display_name is `<mount path with / as ->-<name part>` without a trailing '-', so the same
// method mounted at auth/my-users/ gives "my-users-alice" and approle's '' gives "approle".
import { ArcaError } from '../lib/errors.js';
import type { ResponseAuth } from '../framework/logical.js';
import { mfaLoginGate } from './mfa/mfa-login-gate.js';
import type { AuthEnvelope } from './core-response.js';
import type { Core } from './core.js';

/** Everything needed to mint the token later (stored with a pending MFA login). */
export interface ParkedLogin {
  readonly auth: ResponseAuth;
  readonly path: string;
  readonly mountAccessor: string;
  readonly entityId: string;
}

export type LoginOutcome = { readonly auth: AuthEnvelope; readonly warnings: string[] };

/** `<mount path, / as ->` + the method's name part, less one trailing '-' (Vault's TrimSuffix). */
export function loginDisplayName(mountPath: string, namePart: string): string {
  const name = `${mountPath.replaceAll('/', '-')}${namePart}`;
  return name.endsWith('-') ? name.slice(0, -1) : name;
}

export async function completeLogin(core: Core, methodAuth: ResponseAuth, ctx: { path: string; mountAccessor: string; mountType: string; headers: Readonly<Record<string, string>> }): Promise<LoginOutcome> {
  if (methodAuth.policies.includes('response-wrapping')) throw new ArcaError('invalid_request', 'the "response-wrapping" policy cannot be given to a token');
  const mounted = core.router.byAccessor(ctx.mountAccessor);
  if (!mounted) throw new ArcaError('invalid_request', 'the auth method of this login has been disabled');
  // Prefixed before parking, so a login finished by sys/mfa/validate gets the same name.
  // The group names are identity's input only: not parked, not part of the token.
  const { groupAliases, ...accepted } = methodAuth;
  const auth: ResponseAuth = { ...accepted, displayName: loginDisplayName(mounted.entry.path, methodAuth.displayName) };
  const { entityId } = await core.identity.resolveLogin({
    mountAccessor: ctx.mountAccessor,
    mountType: ctx.mountType,
    aliasName: auth.alias?.name ?? methodAuth.displayName,
    ...(auth.alias?.metadata ? { aliasMetadata: auth.alias.metadata } : {}),
    ...(groupAliases ? { groupAliases } : {}),
  });
  const identity = await core.identity.effective(entityId);
  const parked: ParkedLogin = { auth, path: ctx.path, mountAccessor: ctx.mountAccessor, entityId };
  const gate = await mfaLoginGate(core.mfa, {
    target: { mountAccessor: ctx.mountAccessor, mountType: ctx.mountType, entityId, groupIds: identity.groups.map((g) => g.id) },
    headers: ctx.headers,
    payload: parked,
  });
  if (gate.kind === 'pending') {
    return {
      auth: {
        client_token: '',
        accessor: '',
        policies: [],
        token_policies: [],
        metadata: null,
        lease_duration: 0,
        renewable: false,
        entity_id: '',
        token_type: 'service',
        orphan: false,
        num_uses: 0,
        mfa_requirement: gate.mfaRequirement,
      },
      warnings: [gate.warning],
    };
  }
  return mintLoginToken(core, parked);
}

/** Mints the token of an accepted (and, if required, MFA-validated) login. */
export async function mintLoginToken(core: Core, login: ParkedLogin): Promise<LoginOutcome> {
  const mounted = core.router.byAccessor(login.mountAccessor);
  if (!mounted) throw new ArcaError('invalid_request', 'the auth method of this login has been disabled');
  // The token records its mount's accessor (and the method's `internal` data): renewal asks
  // that mount, and disabling it revokes the token.
  const created = await core.tokens.createForLogin(login.auth, {
    path: login.path,
    mountAccessor: login.mountAccessor,
    mountConfig: core.mounts.mountConfig(mounted.entry),
    entityId: login.entityId,
  });
  const e = created.entry;
  const identity = await core.identity.effective(login.entityId);
  return {
    auth: {
      client_token: created.token,
      accessor: e.accessor,
      policies: [...new Set([...e.policies, ...identity.policies])].sort(),
      token_policies: e.policies,
      identity_policies: identity.identityPolicies,
      metadata: Object.keys(e.meta).length > 0 ? e.meta : null,
      lease_duration: e.expireTime > 0 ? Math.round((e.expireTime - core.deps.clock.now()) / 1000) : 0,
      renewable: e.renewable,
      entity_id: e.entityId,
      token_type: 'service',
      orphan: e.orphan,
      num_uses: Math.max(0, e.numUses),
      mfa_requirement: null,
    },
    warnings: created.warnings,
  };
}
