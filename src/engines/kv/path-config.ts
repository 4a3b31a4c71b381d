// src/engines/kv — `config` of KV v2: the mount-wide defaults every key falls back to
// (max_versions, cas_required, delete_version_after). Writes change only the fields given.
// delete_version_after is signed here, as in Vault: a negative duration ("-1s") disables
// delete_version_after for every key of the mount, 0 clears the setting.
import { ArcaError } from '../../lib/errors.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import { formatDuration, parseDuration } from '../../lib/duration.js';
import { KvV2Store } from './kv-v2-store.js';
import { MAX_VERSIONS_LIMIT } from './path-metadata.js';

/** A signed duration in whole seconds: -5, "-5", "-1s", "90m"; negatives mean "disabled". */
function parseSignedDuration(raw: unknown): number {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
  const negative = text?.startsWith('-') === true;
  const seconds = text === undefined ? undefined : parseDuration(negative ? text.slice(1) : text);
  if (seconds === undefined) {
    throw new ArcaError('invalid_request', 'invalid value for field "delete_version_after": expected a duration such as "30s", "1h" or "-1s"');
  }
  return negative ? -seconds : seconds;
}

/** Go's Duration.String() for whole seconds, sign included ("-1s", "1h0m0s"). */
function formatSignedDuration(seconds: number): string {
  return seconds < 0 ? `-${formatDuration(-seconds)}` : formatDuration(seconds);
}

export const pathConfig: AnyPathSpec = definePath({
  pattern: 'config',
  pureReads: true,
  fields: {
    max_versions: field.int(0, MAX_VERSIONS_LIMIT).optional('Versions kept per key; 0 means 10.'),
    cas_required: field.bool().optional('Require check-and-set on every write.'),
    delete_version_after: field.raw().optional('Soft-delete each version this long after it is written; 0 clears, negative disables.'),
  },
  summary: 'Configure the defaults of this KV v2 mount.',
  existenceCheck: async () => true,
  operations: {
    read: async ({ storage }) => {
      const config = await new KvV2Store(storage).readConfig();
      return {
        data: {
          cas_required: config.casRequired,
          delete_version_after: formatSignedDuration(config.deleteVersionAfter),
          max_versions: config.maxVersions,
        },
      };
    },

    update: async ({ fields: f, storage }) => {
      const deleteAfter = f.delete_version_after === undefined ? undefined : parseSignedDuration(f.delete_version_after);
      await KvV2Store.transact(storage, async (store) => {
        const config = await store.readConfig();
        if (f.max_versions !== undefined) config.maxVersions = f.max_versions;
        if (f.cas_required !== undefined) config.casRequired = f.cas_required;
        // Vault stores any negative value as its single "disabled" marker, -1s.
        if (deleteAfter !== undefined) config.deleteVersionAfter = deleteAfter < 0 ? -1 : deleteAfter;
        await store.writeConfig(config);
      });
      return {};
    },
  },
});
