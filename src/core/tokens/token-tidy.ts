// src/core/tokens — token tidy (Vault's auth/token/tidy): walks the accessor and parent
// indexes in bounded pages, deletes entries that point at missing tokens, and revokes tokens
// that are dead (expired, used up) or whose parent no longer exists.
import type { Clock } from '../../lib/clock.js';
import { isLive } from './token-entry.js';
import type { TokenRecords } from './token-records.js';
import { ACCESSOR_PREFIX, PARENT_PREFIX, tokenKeys } from './token-records.js';

export interface TokenTidyResult {
  readonly danglingAccessors: number;
  readonly danglingChildLinks: number;
  readonly revokedTokens: number;
}

export interface TokenTidyDeps {
  readonly records: TokenRecords;
  readonly clock: Clock;
  readonly revokeByKey: (tokenKey: string) => Promise<void>;
  readonly batchSize: number;
}

export async function tidyTokens(deps: TokenTidyDeps): Promise<TokenTidyResult> {
  const { records } = deps;
  let danglingAccessors = 0;
  let danglingChildLinks = 0;
  let revokedTokens = 0;
  await forEachKey(deps, ACCESSOR_PREFIX, async (key) => {
    const tokenKey = await records.keyOfAccessor(key.slice(ACCESSOR_PREFIX.length));
    const entry = tokenKey === undefined ? undefined : await records.get(tokenKey);
    if (!entry || tokenKey === undefined) {
      await records.storage.delete(key);
      danglingAccessors++;
    } else if (!isLive(entry, deps.clock.now())) {
      await deps.revokeByKey(tokenKey);
      revokedTokens++;
    }
  });
  await forEachKey(deps, PARENT_PREFIX, async (key) => {
    const [parentKey, childKey] = key.slice(PARENT_PREFIX.length).split('/');
    if (parentKey === undefined || childKey === undefined) return;
    if (!(await records.get(childKey))) {
      await records.storage.delete(key);
      danglingChildLinks++;
    } else if (!(await records.get(parentKey))) {
      await deps.revokeByKey(childKey);
      await records.storage.delete(tokenKeys.child(parentKey, childKey));
      revokedTokens++;
    }
  });
  return { danglingAccessors, danglingChildLinks, revokedTokens };
}

async function forEachKey(deps: TokenTidyDeps, prefix: string, fn: (key: string) => Promise<void>): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const keys = await deps.records.storage.scan(prefix, after === undefined ? { limit: deps.batchSize } : { after, limit: deps.batchSize });
    for (const key of keys) {
      after = key;
      await fn(key);
    }
    if (keys.length < deps.batchSize) return;
  }
}
