// src/engines/kv — the single catch-all path of an unversioned key/value store: KV v1
// (the view `kv/` of the mount) and cubbyhole (the view `token/<tokenKey>/`) are both this
// path with a different storage view. A secret is the request body as a JSON object, stored as-is;
// an empty body is refused ("missing data fields"), as both of Vault's backends do. LIST of
// a folder is one storage `list`.
import { ArcaError } from '../../lib/errors.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec, HandlerContext } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import type { StorageWriter } from '../../storage/storage.js';
import { checkKeyPath, checkListPrefix } from './key-path.js';
import { isJsonObject, readJson, writeJson } from './json-entry.js';
import { parseDuration } from '../../lib/duration.js';

/** Picks the storage view one request's keys live in. */
export type ScopeResolver = (ctx: HandlerContext<{ readonly path: string }>) => StorageWriter;

async function readEntry(scope: StorageWriter, path: string): Promise<Record<string, unknown> | undefined> {
  const raw = await readJson(scope, path);
  if (raw === undefined) return undefined;
  if (!isJsonObject(raw)) throw new Error('corrupt key/value entry');
  return raw;
}

/**
 * KV v1's refresh hint, as Vault's passthrough backend: a `ttl` (or `lease`) key holding a
 * duration sets the read's `lease_duration`; otherwise it is the mount's default lease TTL
 * (0 here). No lease is created either way.
 */
function ttlHintOf(data: Readonly<Record<string, unknown>>): number {
  const raw = data['ttl'] ?? data['lease'];
  if (typeof raw !== 'string' && typeof raw !== 'number') return 0;
  return parseDuration(raw) ?? 0;
}

/**
 * Builds the catch-all path whose keys live in the scope `resolve` picks per request.
 * `ttlHint`: reads answer KV v1's `lease_duration` refresh hint (not cubbyhole).
 */
export function createPlainKvPath(resolve: ScopeResolver, summary: string, options: { readonly ttlHint?: boolean } = {}): AnyPathSpec {
  return definePath({
    pattern: '(?<path>.*)',
    pureReads: true,
    fields: { path: field.string().required('Location of the secret.') },
    freeForm: true,
    summary,
    existenceCheck: async (ctx) => (await readEntry(resolve(ctx), checkKeyPath(ctx.fields.path))) !== undefined,
    operations: {
      read: async (ctx) => {
        const data = await readEntry(resolve(ctx), checkKeyPath(ctx.fields.path));
        if (data === undefined) return undefined;
        return options.ttlHint === true ? { data, ttlHint: ttlHintOf(data) } : { data };
      },
      list: async (ctx) => {
        const keys = await resolve(ctx).list(checkListPrefix(ctx.fields.path));
        return keys.length === 0 ? undefined : { data: { keys } };
      },
      update: async (ctx) => {
        const path = checkKeyPath(ctx.fields.path);
        if (Object.keys(ctx.req.data).length === 0) throw new ArcaError('invalid_request', 'missing data fields');
        await writeJson(resolve(ctx), path, ctx.req.data);
        return {};
      },
      delete: async (ctx) => {
        const path = checkKeyPath(ctx.fields.path);
        await resolve(ctx).delete(path);
        return {};
      },
    },
  });
}

/** KV v1 keeps its secrets under `kv/` of the mount, leaving room for engine bookkeeping. */
export const KV_V1_PREFIX = 'kv/';

export const pathKvV1: AnyPathSpec = createPlainKvPath(
  (ctx) => ctx.storage.sub(KV_V1_PREFIX),
  'Read, write, delete or list unversioned secrets.',
  { ttlHint: true },
);
