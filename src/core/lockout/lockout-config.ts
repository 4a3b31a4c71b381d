// src/core/lockout — Vault's `user_lockout_config` of an auth mount (set through
// sys/auth/:path/tune), resolved against the defaults Vault uses.

export interface UserLockoutConfig {
  /** Failed logins that lock an account. */
  readonly lockout_threshold?: number;
  /** Seconds an account stays locked. */
  readonly lockout_duration?: number;
  /** Seconds after the last failure at which the failure count starts again. */
  readonly lockout_counter_reset?: number;
  readonly lockout_disable?: boolean;
}

export interface ResolvedLockoutConfig {
  readonly threshold: number;
  readonly durationMs: number;
  readonly counterResetMs: number;
  readonly disabled: boolean;
}

export const DEFAULT_LOCKOUT: ResolvedLockoutConfig = { threshold: 5, durationMs: 15 * 60_000, counterResetMs: 15 * 60_000, disabled: false };

export function resolveLockout(config: UserLockoutConfig | undefined): ResolvedLockoutConfig {
  return {
    threshold: config?.lockout_threshold || DEFAULT_LOCKOUT.threshold,
    durationMs: config?.lockout_duration ? config.lockout_duration * 1000 : DEFAULT_LOCKOUT.durationMs,
    counterResetMs: config?.lockout_counter_reset ? config.lockout_counter_reset * 1000 : DEFAULT_LOCKOUT.counterResetMs,
    disabled: config?.lockout_disable === true,
  };
}
