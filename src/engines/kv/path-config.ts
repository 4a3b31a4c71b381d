// src/engines/kv — `config` of KV v2: the mount-wide defaults every key falls back to
// (max_versions, cas_required, delete_version_after). Writes change only the fields given.
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import { formatDuration } from '../../lib/duration.js';
import { KvV2Store } from './kv-v2-store.js';
import { MAX_VERSIONS_LIMIT } from './path-metadata.js';

export const pathConfig: AnyPathSpec = definePath({
  pattern: 'config',
  pureReads: true,
  fields: {
    max_versions: field.int(0, MAX_VERSIONS_LIMIT).optional('Versions kept per key; 0 means 10.'),
    cas_required: field.bool().optional('Require check-and-set on every write.'),
    delete_version_after: field.duration().optional('Soft-delete each version this long after it is written; 0 = never.'),
  },
  summary: 'Configure the defaults of this KV v2 mount.',
  existenceCheck: async () => true,
  operations: {
    read: async ({ storage }) => {
      const config = await new KvV2Store(storage).readConfig();
      return {
        data: {
          cas_required: config.casRequired,
          delete_version_after: formatDuration(config.deleteVersionAfter),
          max_versions: config.maxVersions,
        },
      };
    },

    update: async ({ fields: f, storage }) => {
      await KvV2Store.transact(storage, async (store) => {
        const config = await store.readConfig();
        if (f.max_versions !== undefined) config.maxVersions = f.max_versions;
        if (f.cas_required !== undefined) config.casRequired = f.cas_required;
        if (f.delete_version_after !== undefined) config.deleteVersionAfter = f.delete_version_after;
        await store.writeConfig(config);
      });
      return {};
    },
  },
});
