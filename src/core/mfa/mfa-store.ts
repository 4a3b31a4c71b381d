// src/core/mfa — persistence of login MFA behind the barrier, under sys/mfa/ of a root
// Storage. Nothing lives only in memory, so every node sees the same methods, secrets,
// pending logins, used time steps and failure counters.
//   method/<id>                    TotpMethod
//   enforcement/<name>             LoginEnforcement
//   secret/<method id>/<entity id> TotpSecret (the TOTP seed: barrier only, never returned twice)
//   used/<method id>/<entity id>   last accepted time step (replay guard)
//   attempts/<method id>/<entity>  consecutive failures and when they are forgotten
//   pending/<sha256(request id)>   a login waiting for sys/mfa/validate
// Writes that must agree across nodes run in one storage transaction.
import { ArcaError } from '../../lib/errors.js';
import type { Storage } from '../../storage/storage.js';
import { StorageView } from '../../storage/storage-view.js';
import type { StorageViewTransaction } from '../../storage/storage-view.js';
import type { LoginEnforcement, TotpMethod, TotpSecret } from './totp-method.js';

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Ids and names that become storage key segments. */
export function checkKeySegment(value: string, what: string): string {
  if (!isKeySegment(value)) throw new ArcaError('invalid_request', `invalid ${what}`);
  return value;
}

/** Whether `value` can be a key segment (an id that is not one has nothing stored under it). */
export function isKeySegment(value: string): boolean {
  return ID_RE.test(value);
}

export interface UsedStep {
  readonly timeStep: number;
}

export interface FailedAttempts {
  readonly count: number;
  /** When the counter is forgotten (ms). */
  readonly resetAt: number;
}

export const secretKey = (methodId: string, entityId: string): string => `secret/${methodId}/${entityId}`;
export const usedKey = (methodId: string, entityId: string): string => `used/${methodId}/${entityId}`;
export const attemptsKey = (methodId: string, entityId: string): string => `attempts/${methodId}/${entityId}`;
export const pendingKey = (digest: string): string => `pending/${digest}`;

export class MfaStore {
  readonly view: StorageView;

  constructor(root: Storage) {
    this.view = new StorageView(root, 'sys/mfa/');
  }

  transaction<T>(fn: (tx: StorageViewTransaction) => Promise<T>): Promise<T> {
    return this.view.transaction(fn);
  }

  getMethod(id: string): Promise<TotpMethod | undefined> {
    if (!ID_RE.test(id)) return Promise.resolve(undefined);
    return this.view.getJson<TotpMethod>(`method/${id}`);
  }

  async listMethods(): Promise<TotpMethod[]> {
    const ids = await this.view.list('method/');
    const out: TotpMethod[] = [];
    for (const id of ids) {
      const m = await this.view.getJson<TotpMethod>(`method/${id}`);
      if (m) out.push(m);
    }
    return out;
  }

  /** Stores a method; a name already used by another method is refused. */
  async putMethod(method: TotpMethod): Promise<void> {
    await this.view.transaction(async (tx) => {
      if (method.name !== '') {
        for (const id of await tx.list('method/')) {
          const other = await tx.getJson<TotpMethod>(`method/${id}`);
          if (other && other.id !== method.id && other.name === method.name) {
            throw new ArcaError('invalid_request', `an MFA method with name "${method.name}" already exists`);
          }
        }
      }
      await tx.putJson(`method/${checkKeySegment(method.id, 'method_id')}`, method);
    });
  }

  /** Deletes a method and every entity secret for it; refused while an enforcement uses it. */
  async deleteMethod(id: string): Promise<void> {
    if (!ID_RE.test(id)) return;
    await this.view.transaction(async (tx) => {
      for (const name of await tx.list('enforcement/')) {
        const e = await tx.getJson<LoginEnforcement>(`enforcement/${name}`);
        if (e?.mfaMethodIds.includes(id)) {
          throw new ArcaError('invalid_request', `MFA method "${id}" is used by login enforcement "${e.name}"`);
        }
      }
      for (const prefix of ['secret/', 'used/', 'attempts/']) {
        for (const key of await tx.scan(`${prefix}${id}/`)) await tx.delete(key);
      }
      await tx.delete(`method/${id}`);
    });
  }

  getEnforcement(name: string): Promise<LoginEnforcement | undefined> {
    if (!ID_RE.test(name)) return Promise.resolve(undefined);
    return this.view.getJson<LoginEnforcement>(`enforcement/${name}`);
  }

  async listEnforcements(): Promise<LoginEnforcement[]> {
    const out: LoginEnforcement[] = [];
    for (const name of await this.view.list('enforcement/')) {
      const e = await this.view.getJson<LoginEnforcement>(`enforcement/${name}`);
      if (e) out.push(e);
    }
    return out;
  }

  /** Stores an enforcement once every method it names exists. */
  async putEnforcement(e: LoginEnforcement): Promise<void> {
    checkKeySegment(e.name, 'enforcement name');
    await this.view.transaction(async (tx) => {
      for (const id of e.mfaMethodIds) {
        if (!ID_RE.test(id) || (await tx.get(`method/${id}`)) === undefined) {
          throw new ArcaError('invalid_request', `MFA method "${id}" does not exist`);
        }
      }
      await tx.putJson(`enforcement/${e.name}`, e);
    });
  }

  async deleteEnforcement(name: string): Promise<void> {
    if (ID_RE.test(name)) await this.view.delete(`enforcement/${name}`);
  }

  getSecret(methodId: string, entityId: string): Promise<TotpSecret | undefined> {
    if (!ID_RE.test(methodId) || !ID_RE.test(entityId)) return Promise.resolve(undefined);
    return this.view.getJson<TotpSecret>(secretKey(methodId, entityId));
  }

  /** Stores the entity's secret unless it already has one (returns false then). */
  createSecret(methodId: string, entityId: string, secret: TotpSecret): Promise<boolean> {
    const key = secretKey(checkKeySegment(methodId, 'method_id'), checkKeySegment(entityId, 'entity_id'));
    return this.view.transaction(async (tx) => {
      if ((await tx.get(key)) !== undefined) return false;
      await tx.putJson(key, secret);
      return true;
    });
  }

  async deleteSecret(methodId: string, entityId: string): Promise<void> {
    const m = checkKeySegment(methodId, 'method_id');
    const e = checkKeySegment(entityId, 'entity_id');
    await this.view.transaction(async (tx) => {
      await tx.delete(secretKey(m, e));
      await tx.delete(usedKey(m, e));
      await tx.delete(attemptsKey(m, e));
    });
  }
}
