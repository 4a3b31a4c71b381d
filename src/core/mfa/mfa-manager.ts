// src/core/mfa — login MFA with TOTP (Vault's identity/mfa + sys/mfa/validate). The core
// calls `requirementFor` after a successful primary login; when a requirement comes back it
// either checks the X-Vault-MFA header at once (`validateInline`) or parks the login with
// `startPending` and mints the token only after `validatePending` succeeds.
// Guarantees: a pending login is used at most once; a code is accepted at most once per
// (method, entity) — the last accepted time step is stored and anything not newer is refused,
// across nodes, in the same transaction that consumes the pending login; after
// max_validation_attempts consecutive failures a (method, entity) is refused for one period.
import { createHash, randomUUID } from 'node:crypto';
import { ArcaError } from '../../lib/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { Storage, Transaction } from '../../storage/storage.js';
import type { StorageViewTransaction } from '../../storage/storage-view.js';
import { mergeMfaEnrolments } from './mfa-enrolment-merge.js';
import type { EnrolmentMerge } from './mfa-enrolment-merge.js';
import { MfaStore, attemptsKey, pendingKey, usedKey } from './mfa-store.js';
import type { FailedAttempts, UsedStep } from './mfa-store.js';
import { parseMfaHeader, renderConstraints } from './mfa-requirement.js';
import type { MfaPayload, MfaRequirement } from './mfa-requirement.js';
import { matchTotp, newTotpSecret, totpUrl } from './totp-code.js';
import { totpBarcodePng } from './totp-qr.js';
import type { TotpMethod } from './totp-method.js';

export const DEFAULT_PENDING_TTL_MS = 5 * 60 * 1000;
const MAX_CODES_PER_METHOD = 4;

export interface LoginTarget {
  readonly mountAccessor: string;
  readonly mountType: string;
  readonly entityId: string;
  readonly groupIds: readonly string[];
}

export interface MfaRequirementResponse {
  readonly mfa_request_id: string;
  readonly mfa_constraints: ReturnType<typeof renderConstraints>;
}

interface PendingLogin {
  readonly requirement: MfaRequirement;
  readonly payload: unknown;
  readonly expiresAt: number;
}

/** A code that matched: consumed only when the whole requirement is met. */
interface Match {
  readonly methodId: string;
  readonly timeStep: number;
}

export interface MfaManagerDeps {
  /** The root storage above the barrier (keys land under sys/mfa/). */
  readonly storage: Storage;
  readonly clock: Clock;
}

export class MfaManager {
  readonly store: MfaStore;
  private readonly clock: Clock;

  constructor(deps: MfaManagerDeps) {
    this.store = new MfaStore(deps.storage);
    this.clock = deps.clock;
  }

  /** The constraints of every enforcement that applies to this login, or undefined when none does. */
  async requirementFor(target: LoginTarget): Promise<MfaRequirement | undefined> {
    const constraints = [];
    for (const e of await this.store.listEnforcements()) {
      const applies =
        e.authMethodAccessors.includes(target.mountAccessor) ||
        e.authMethodTypes.includes(target.mountType) ||
        (target.entityId !== '' && e.identityEntityIds.includes(target.entityId)) ||
        target.groupIds.some((g) => e.identityGroupIds.includes(g));
      if (!applies) continue;
      const methods = [];
      for (const id of e.mfaMethodIds) {
        const m = await this.store.getMethod(id);
        if (m) methods.push({ id: m.id, name: m.name });
      }
      constraints.push({ name: e.name, methods });
    }
    return constraints.length === 0 ? undefined : { entityId: target.entityId, constraints };
  }

  /** Parks a login (its `payload`, e.g. the ResponseAuth) until sys/mfa/validate. */
  async startPending(requirement: MfaRequirement, payload: unknown, ttlMs = DEFAULT_PENDING_TTL_MS): Promise<MfaRequirementResponse> {
    const id = randomUUID();
    const record: PendingLogin = { requirement, payload, expiresAt: this.clock.now() + ttlMs };
    await this.store.view.putJson(pendingKey(digest(id)), record);
    return { mfa_request_id: id, mfa_constraints: renderConstraints(requirement) };
  }

  /**
   * Checks the codes of a pending login and, when every constraint is met, consumes it and
   * returns its payload. An unknown, expired or already used request id is 400; codes that
   * do not satisfy the requirement are 403 and count as failed attempts.
   */
  async validatePending(requestId: string, payload: MfaPayload): Promise<unknown> {
    if (!/^[0-9a-f-]{36}$/.test(requestId)) throw invalidRequestId();
    const key = pendingKey(digest(requestId));
    const pending = await this.store.view.getJson<PendingLogin>(key);
    if (!pending || pending.expiresAt <= this.clock.now()) {
      if (pending) await this.store.view.delete(key);
      throw invalidRequestId();
    }
    const matches = await this.satisfy(pending.requirement, payload);
    await this.consume(pending.requirement.entityId, matches, async (tx) => {
      if ((await tx.get(key)) === undefined) throw invalidRequestId();
      await tx.delete(key);
    });
    return pending.payload;
  }

  /** Checks an X-Vault-MFA header against a requirement in the login request itself. */
  async validateInline(requirement: MfaRequirement, entityId: string, header: string): Promise<void> {
    const scoped = { ...requirement, entityId };
    const matches = await this.satisfy(scoped, parseMfaHeader(scoped, header));
    await this.consume(entityId, matches, async () => undefined);
  }

  /** Deletes expired pending logins; returns how many. Safe to run on any node. */
  async tidyPending(limit = 1000): Promise<number> {
    let removed = 0;
    for (const key of await this.store.view.scan('pending/', { limit })) {
      const p = await this.store.view.getJson<PendingLogin>(key);
      if (p && p.expiresAt <= this.clock.now()) {
        await this.store.view.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  /**
   * Creates the entity's TOTP secret for a method and returns the provisioning URL and
   * barcode, or undefined when the entity already has one (Vault answers with a warning).
   */
  async generate(methodId: string, entityId: string): Promise<{ url: string; barcode: string } | undefined> {
    const method = await this.store.getMethod(methodId);
    if (!method) throw new ArcaError('invalid_request', `MFA method "${methodId}" does not exist`);
    if (entityId === '') throw new ArcaError('invalid_request', 'the token has no identity entity to enrol');
    const secret = newTotpSecret(method.keySize);
    if (!(await this.store.createSecret(method.id, entityId, { secret }))) return undefined;
    const url = totpUrl(method, entityId, secret);
    return { url, barcode: method.qrSize > 0 ? await totpBarcodePng(url, method.qrSize) : '' };
  }

  async destroy(methodId: string, entityId: string): Promise<void> {
    if (!(await this.store.getMethod(methodId))) throw new ArcaError('invalid_request', `MFA method "${methodId}" does not exist`);
    await this.store.deleteSecret(methodId, entityId);
  }

  /**
   * identity/entity/merge's part in MFA (see mfa-enrolment-merge.ts). `tx` is a transaction
   * on the root storage this manager was built on, opened by the merge; a conflict throws
   * and so refuses the whole merge.
   */
  mergeEnrolments(tx: Transaction, merge: EnrolmentMerge): Promise<void> {
    return mergeMfaEnrolments(this.store.view.within(tx), merge);
  }

  /** For each constraint, the first sent code that matches one of its methods. */
  private async satisfy(requirement: MfaRequirement, payload: MfaPayload): Promise<Match[]> {
    const matches: Match[] = [];
    for (const constraint of requirement.constraints) {
      let found: Match | undefined;
      for (const ref of constraint.methods) {
        const codes = payload[ref.id] ?? (ref.name !== '' ? payload[ref.name] : undefined);
        if (!codes || codes.length === 0) continue;
        const method = await this.store.getMethod(ref.id);
        if (!method) continue;
        found = await this.tryCodes(method, requirement.entityId, codes);
        if (found) break;
      }
      if (!found) throw new ArcaError('permission_denied', `failed to satisfy enforcement ${constraint.name}`);
      matches.push(found);
    }
    return matches;
  }

  private async tryCodes(method: TotpMethod, entityId: string, codes: readonly string[]): Promise<Match | undefined> {
    const now = this.clock.now();
    const attempts = await this.store.view.getJson<FailedAttempts>(attemptsKey(method.id, entityId));
    if (attempts && attempts.resetAt > now && attempts.count >= method.maxValidationAttempts) {
      const wait = Math.ceil((attempts.resetAt - now) / 1000);
      throw new ArcaError(
        'permission_denied',
        `maximum TOTP validation attempts ${attempts.count} exceeded the allowed attempts ${method.maxValidationAttempts}. Please try again in ${wait} seconds`,
      );
    }
    const secret = await this.store.getSecret(method.id, entityId);
    if (secret) {
      for (const code of codes.slice(0, MAX_CODES_PER_METHOD)) {
        const step = await matchTotp(method, secret.secret, code.trim(), now);
        if (step !== undefined) return { methodId: method.id, timeStep: step };
      }
    }
    if (entityId !== '') await this.recordFailure(method, entityId);
    return undefined;
  }

  private async recordFailure(method: TotpMethod, entityId: string): Promise<void> {
    const key = attemptsKey(method.id, entityId);
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      const prev = await tx.getJson<FailedAttempts>(key);
      const count = prev && prev.resetAt > now ? prev.count + 1 : 1;
      await tx.putJson(key, { count, resetAt: now + method.period * 1000 } satisfies FailedAttempts);
    });
  }

  /**
   * Atomically refuses replayed codes, records the accepted time steps, clears the failure
   * counters and runs `more` (consuming the pending login) — all or nothing.
   */
  private async consume(entityId: string, matches: readonly Match[], more: (tx: StorageViewTransaction) => Promise<void>): Promise<void> {
    const replayed = await this.store.transaction(async (tx) => {
      for (const m of matches) {
        const used = await tx.getJson<UsedStep>(usedKey(m.methodId, entityId));
        if (used && used.timeStep >= m.timeStep) return m.methodId;
      }
      for (const m of matches) {
        await tx.putJson(usedKey(m.methodId, entityId), { timeStep: m.timeStep } satisfies UsedStep);
        await tx.delete(attemptsKey(m.methodId, entityId));
      }
      await more(tx);
      return undefined;
    });
    if (replayed !== undefined) {
      const method = await this.store.getMethod(replayed);
      if (method) await this.recordFailure(method, entityId);
      throw new ArcaError('permission_denied', 'failed to validate TOTP passcode: code already used; wait for the next code');
    }
  }
}

function digest(requestId: string): string {
  return createHash('sha256').update(requestId).digest('hex');
}

function invalidRequestId(): ArcaError {
  return new ArcaError('invalid_request', 'invalid MFA request ID');
}
