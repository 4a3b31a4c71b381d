// src/engines/kv — `undelete/:path` of KV v2: clears the deletion_time of the listed
// versions, making them readable again. Destroyed versions stay destroyed.
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import { checkKeyPath } from './key-path.js';
import { parseVersionList, updateVersions } from './version-list.js';

export const pathUndelete: AnyPathSpec = definePath({
  pattern: 'undelete/(?<path>.*)',
  fields: {
    path: field.string().required('Location of the secret.'),
    versions: field.strings().optional('The versions to restore.'),
  },
  summary: 'Restore soft-deleted versions of a secret.',
  operations: {
    update: async ({ fields: f, storage }) => {
      const path = checkKeyPath(f.path);
      const versions = parseVersionList(f.versions);
      await updateVersions(storage, path, versions, async (_store, record) => {
        if (record.destroyed || record.deleted === null) return false;
        record.deleted = null;
        return true;
      });
      return {};
    },
  },
});
