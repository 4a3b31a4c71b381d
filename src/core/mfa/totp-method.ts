// src/core/mfa — the stored shape of a TOTP login-MFA method (Vault's identity/mfa/method/totp)
// and of a login enforcement, plus the Vault-facing renderings of both. Pure data: storage
// lives in MfaStore, behaviour in MfaManager.

export const TOTP_ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'] as const;
export type TotpAlgorithm = (typeof TOTP_ALGORITHMS)[number];

/** A TOTP method's settings. The per-entity secrets are stored apart (see MfaStore). */
export interface TotpMethod {
  readonly id: string;
  readonly name: string;
  readonly issuer: string;
  /** Seconds per code. */
  readonly period: number;
  /** Bytes of the generated secret. */
  readonly keySize: number;
  /** Pixels of the PNG barcode; 0 = no barcode. */
  readonly qrSize: number;
  readonly algorithm: TotpAlgorithm;
  readonly digits: 6 | 8;
  /** Periods accepted either side of now. */
  readonly skew: 0 | 1;
  /** Consecutive failures allowed before validation is refused for a while. */
  readonly maxValidationAttempts: number;
  readonly creationTime: number;
  readonly updateTime: number;
}

/** Which logins need which methods (Vault's identity/mfa/login-enforcement). */
export interface LoginEnforcement {
  readonly name: string;
  readonly id: string;
  readonly mfaMethodIds: readonly string[];
  readonly authMethodAccessors: readonly string[];
  readonly authMethodTypes: readonly string[];
  readonly identityGroupIds: readonly string[];
  readonly identityEntityIds: readonly string[];
}

/** The per-entity secret of one method (base32, as authenticator apps take it). */
export interface TotpSecret {
  readonly secret: string;
}

export function renderTotpMethod(m: TotpMethod): Record<string, unknown> {
  return {
    id: m.id,
    name: m.name,
    type: 'totp',
    mount_accessor: '',
    namespace_id: 'root',
    namespace_path: '',
    issuer: m.issuer,
    period: m.period,
    key_size: m.keySize,
    qr_size: m.qrSize,
    algorithm: m.algorithm,
    digits: m.digits,
    skew: m.skew,
    max_validation_attempts: m.maxValidationAttempts,
    creation_time: new Date(m.creationTime).toISOString(),
    update_time: new Date(m.updateTime).toISOString(),
  };
}

export function renderEnforcement(e: LoginEnforcement): Record<string, unknown> {
  return {
    name: e.name,
    id: e.id,
    namespace_id: 'root',
    namespace_path: '',
    mfa_method_ids: [...e.mfaMethodIds],
    auth_method_accessors: [...e.authMethodAccessors],
    auth_method_types: [...e.authMethodTypes],
    identity_group_ids: [...e.identityGroupIds],
    identity_entity_ids: [...e.identityEntityIds],
  };
}
