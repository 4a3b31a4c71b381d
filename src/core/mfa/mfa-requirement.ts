// src/core/mfa — what a login must satisfy before a token is minted, and its rendering as
// Vault's `auth.mfa_requirement.mfa_constraints`. Every constraint (one per matching login
// enforcement) must be met by at least one of its methods.

export interface MfaConstraint {
  /** The login enforcement's name (the key in mfa_constraints). */
  readonly name: string;
  readonly methods: readonly { readonly id: string; readonly name: string }[];
}

export interface MfaRequirement {
  /** The identity entity logging in ('' when the login has none: no method can then be met). */
  readonly entityId: string;
  readonly constraints: readonly MfaConstraint[];
}

/** Vault's `mfa_constraints` object. */
export function renderConstraints(req: MfaRequirement): Record<string, { any: Record<string, unknown>[] }> {
  const out: Record<string, { any: Record<string, unknown>[] }> = {};
  for (const c of req.constraints) {
    out[c.name] = { any: c.methods.map((m) => ({ type: 'totp', id: m.id, name: m.name, uses_passcode: true })) };
  }
  return out;
}

/** Codes keyed by method id (or method name), as sent in mfa_payload. */
export type MfaPayload = Readonly<Record<string, readonly string[]>>;

/**
 * Parses an X-Vault-MFA header: `method_id:passcode` entries separated by commas (repeated
 * headers arrive joined), or a bare `passcode` when the requirement names a single method.
 */
export function parseMfaHeader(req: MfaRequirement, header: string): MfaPayload {
  const ids = [...new Set(req.constraints.flatMap((c) => c.methods.map((m) => m.id)))];
  const out: Record<string, string[]> = {};
  for (const part of header.split(',').slice(0, 16)) {
    const entry = part.trim();
    if (entry === '') continue;
    const colon = entry.lastIndexOf(':');
    let method: string;
    let code: string;
    if (colon < 0) {
      const only = ids.length === 1 ? ids[0] : undefined;
      if (only === undefined) continue;
      method = only;
      code = entry;
    } else {
      method = entry.slice(0, colon).trim();
      code = entry.slice(colon + 1).trim();
    }
    (out[method] ??= []).push(code);
  }
  return out;
}
