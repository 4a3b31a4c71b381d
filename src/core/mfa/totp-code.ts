// src/core/mfa — TOTP arithmetic over otplib (RFC 6238): secret generation, the otpauth://
// URL an authenticator app scans, and verification at the injected clock's time. Nothing
// here stores anything; replay and attempt counting live in MfaManager.
import { generate, generateSecret, generateURI, verify } from 'otplib';
import type { HashAlgorithm } from 'otplib';
import type { TotpAlgorithm, TotpMethod } from './totp-method.js';

type CodeSettings = Pick<TotpMethod, 'period' | 'algorithm' | 'digits' | 'skew'>;

function hashOf(algorithm: TotpAlgorithm): HashAlgorithm {
  return algorithm.toLowerCase() as HashAlgorithm;
}

export function newTotpSecret(keySize: number): string {
  return generateSecret({ length: keySize });
}

/** The provisioning URL; the account label is the entity id (Vault does the same). */
export function totpUrl(method: TotpMethod, accountName: string, secret: string): string {
  return generateURI({
    issuer: method.issuer,
    label: accountName,
    secret,
    algorithm: hashOf(method.algorithm),
    digits: method.digits,
    period: method.period,
  });
}

/** The code for `nowMs` (tests and the CLI's own checks). */
export function totpCode(settings: CodeSettings, secret: string, nowMs: number): Promise<string> {
  return generate({
    secret,
    algorithm: hashOf(settings.algorithm),
    digits: settings.digits,
    period: settings.period,
    epoch: Math.floor(nowMs / 1000),
  });
}

/**
 * The time step the code belongs to, or undefined when it matches none within the skew.
 * otplib compares in constant time; a malformed code is simply not a match.
 */
export async function matchTotp(settings: CodeSettings, secret: string, code: string, nowMs: number): Promise<number | undefined> {
  if (!/^\d+$/.test(code) || code.length !== settings.digits) return undefined;
  try {
    const result = await verify({
      secret,
      token: code,
      algorithm: hashOf(settings.algorithm),
      digits: settings.digits,
      period: settings.period,
      epoch: Math.floor(nowMs / 1000),
      epochTolerance: settings.skew * settings.period,
    });
    return result.valid && 'timeStep' in result ? result.timeStep : undefined;
  } catch {
    return undefined;
  }
}
