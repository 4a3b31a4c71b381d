// src/core/mfa — test support (not used in production code): an MfaManager over a fresh
// in-memory store and a FakeClock, with a TOTP method enrolled for one entity, and the code
// an authenticator app would show at the clock's current time.
import { FakeClock } from '../../lib/clock.js';
import { InmemPhysical } from '../../storage/inmem/inmem-physical.js';
import { MfaManager } from './mfa-manager.js';
import { totpCode } from './totp-code.js';
import type { TotpMethod } from './totp-method.js';

export interface MfaWorld {
  readonly clock: FakeClock;
  readonly manager: MfaManager;
  readonly method: TotpMethod;
  readonly entityId: string;
  /** The enrolled secret (read back from storage, as only a test may). */
  readonly secret: string;
  /** The code for the current (or `offsetMs`-shifted) time. */
  code(offsetMs?: number): Promise<string>;
}

export function testMethod(now: number, overrides: Partial<TotpMethod> = {}): TotpMethod {
  return {
    id: 'method-1', name: 'totp-main', issuer: 'Arca', period: 30, keySize: 20, qrSize: 200, algorithm: 'SHA1', digits: 6,
    skew: 1, maxValidationAttempts: 5, creationTime: now, updateTime: now, ...overrides,
  };
}

export async function createMfaWorld(overrides: Partial<TotpMethod> = {}): Promise<MfaWorld> {
  // Mid-period start, so ±skew periods stay unambiguous in tests.
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 10));
  const manager = new MfaManager({ storage: new InmemPhysical(), clock });
  const method = testMethod(clock.now(), overrides);
  await manager.store.putMethod(method);
  const entityId = 'entity-1';
  const enrolled = await manager.generate(method.id, entityId);
  if (!enrolled) throw new Error('enrolment failed');
  const stored = await manager.store.getSecret(method.id, entityId);
  if (!stored) throw new Error('secret not stored');
  return {
    clock, manager, method, entityId, secret: stored.secret,
    code: (offsetMs = 0) => totpCode(method, stored.secret, clock.now() + offsetMs),
  };
}
