// src/core/mfa — what identity/entity/merge does to login MFA (Vault's mergeEntity, which
// moves each from-entity's MFA secrets to the to-entity). Runs inside the merge's storage
// transaction, on the sys/mfa/ slice of it, so the enrolments move with the aliases or not
// at all. For each method a from-entity is enrolled in:
//   - the to-entity has no secret for it: the secret moves to the to-entity, with its replay
//     guard (the last accepted time step, so a code already used cannot be used again as the
//     to-entity) and its failure counter;
//   - the to-entity has one (its own, or one moved from an earlier from-entity of the same
//     merge, taken in id order as Vault does): the merge is refused, as in Vault, unless `force` is set; then the to-entity
//     keeps its enrolment and the from-entity's is deleted (Vault's documented "mine" rule).
// A from-entity's replay and failure records are deleted either way: the entity is gone.
import { ArcaError } from '../../lib/errors.js';
import type { StorageViewTransaction } from '../../storage/storage-view.js';
import { attemptsKey, checkKeySegment, isKeySegment, secretKey, usedKey } from './mfa-store.js';
import type { FailedAttempts, UsedStep } from './mfa-store.js';
import type { TotpSecret } from './totp-method.js';

export interface EnrolmentMerge {
  readonly toEntityId: string;
  /**
   * In the order the merge takes them (sorted by id, as Vault's de-duplicated list is): an
   * earlier from-entity's enrolment wins over a later one's under `force`.
   */
  readonly fromEntityIds: readonly string[];
  /** Vault's `force`: on a conflict the to-entity keeps the enrolment it has. */
  readonly force: boolean;
}

type Tx = StorageViewTransaction;

/** Moves the from-entities' TOTP enrolments to the to-entity; `tx` is scoped to sys/mfa/. */
export async function mergeMfaEnrolments(tx: Tx, merge: EnrolmentMerge): Promise<void> {
  const methodIds = (await tx.list('method/')).filter((id) => isKeySegment(id));
  for (const from of merge.fromEntityIds) {
    if (!isKeySegment(from)) continue;
    for (const methodId of methodIds) {
      const secret = await tx.getJson<TotpSecret>(secretKey(methodId, from));
      if (secret !== undefined) {
        const to = checkKeySegment(merge.toEntityId, 'entity_id');
        if ((await tx.get(secretKey(methodId, to))) === undefined) {
          await tx.putJson(secretKey(methodId, to), secret);
          await carryGuards(tx, methodId, from, to);
        } else if (!merge.force) {
          throw new ArcaError(
            'invalid_request',
            `conflicting MFA config ID ${JSON.stringify(methodId)} in entity ID ${JSON.stringify(from)}; ` +
              "set force to keep the to-entity's enrolment and drop the from-entity's",
          );
        }
      }
      await tx.delete(secretKey(methodId, from));
      await tx.delete(usedKey(methodId, from));
      await tx.delete(attemptsKey(methodId, from));
    }
  }
}

/**
 * The to-entity inherits the moved secret's replay guard and failure counter. It had no
 * secret for this method, so any records of its own are leftovers; the stricter value wins.
 */
async function carryGuards(tx: Tx, methodId: string, from: string, to: string): Promise<void> {
  const used = await tx.getJson<UsedStep>(usedKey(methodId, from));
  if (used) {
    const mine = await tx.getJson<UsedStep>(usedKey(methodId, to));
    await tx.putJson(usedKey(methodId, to), { timeStep: Math.max(used.timeStep, mine?.timeStep ?? 0) } satisfies UsedStep);
  }
  const failed = await tx.getJson<FailedAttempts>(attemptsKey(methodId, from));
  if (failed) {
    const mine = await tx.getJson<FailedAttempts>(attemptsKey(methodId, to));
    const merged: FailedAttempts = mine
      ? { count: Math.max(failed.count, mine.count), resetAt: Math.max(failed.resetAt, mine.resetAt) }
      : failed;
    await tx.putJson(attemptsKey(methodId, to), merged);
  }
}
