// src/auth/approle — `tidy/secret-id`: removes expired secret-ids and accessors whose
// secret-id is gone. Runs to completion before answering (Vault runs it in the background
// and answers 202; the status and warning are kept for compatibility). Each role is tidied
// in its own transaction so a large mount never holds one huge transaction.
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import type { StorageView } from '../../storage/storage-view.js';
import { accessorPrefix, getSecretId, isExpired, secretIdKey, secretIdPrefix } from './secret-id-store.js';

/** Tidies one role's secret-ids; returns how many entries were removed. */
async function tidyRole(storage: StorageView, role: string, now: number): Promise<number> {
  return storage.transaction(async (tx) => {
    let removed = 0;
    const live = new Set<string>();
    for (const key of await tx.scan(secretIdPrefix(role))) {
      const hmac = key.slice(secretIdPrefix(role).length);
      const entry = await getSecretId(tx, role, hmac);
      if (entry !== undefined && !isExpired(entry, now)) {
        live.add(hmac);
        continue;
      }
      await tx.delete(secretIdKey(role, hmac));
      removed += 1;
    }
    for (const key of await tx.scan(accessorPrefix(role))) {
      const pointer = await tx.getJson<{ hmac: string }>(key);
      if (pointer === undefined || !live.has(pointer.hmac)) {
        await tx.delete(key);
        removed += 1;
      }
    }
    return removed;
  });
}

/** Role names that have secret-ids or accessors stored, live role or not. */
async function rolesWithSecretIds(storage: StorageView): Promise<string[]> {
  const names = [...(await storage.list('secret-id/')), ...(await storage.list('accessor/'))];
  return [...new Set(names.filter((n) => n.endsWith('/')).map((n) => n.slice(0, -1)))];
}

export function pathTidySecretId(): AnyPathSpec {
  return definePath({
    pattern: 'tidy/secret-id',
    fields: {},
    summary: 'Remove expired secret-ids and dangling accessors.',
    operations: {
      update: async ({ storage, clock, logger }) => {
        const now = clock.now();
        let removed = 0;
        for (const role of await rolesWithSecretIds(storage)) removed += await tidyRole(storage, role, now);
        logger.info({ removed }, 'approle secret-id tidy finished');
        return { status: 202, warnings: ['Tidy operation successfully started. Any information from the operation will be printed to Vault\'s server logs.'] };
      },
    },
  });
}
