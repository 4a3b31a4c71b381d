// src/engines/kv — `delete/:path` of KV v2: soft-deletes the listed versions (sets their
// deletion_time to now). The data stays, so `undelete/` can bring a version back.
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import { readableKeyPath } from './key-path.js';
import { isLive } from './key-metadata.js';
import { parseVersionList, updateVersions } from './version-list.js';

export const pathDelete: AnyPathSpec = definePath({
  pattern: 'delete/(?<path>.*)',
  fields: {
    path: field.string().required('Location of the secret.'),
    versions: field.strings().optional('The versions to soft-delete.'),
  },
  summary: 'Soft-delete versions of a secret.',
  operations: {
    update: async ({ fields: f, storage, clock }) => {
      const path = readableKeyPath(f.path);
      const versions = parseVersionList(f.versions, 'No version number provided');
      // A '' or folder key has no versions: nothing to change (Vault: 204).
      if (path === undefined) return {};
      const now = clock.now();
      await updateVersions(storage, path, versions, async (_store, record) => {
        if (!isLive(record, now)) return false;
        record.deleted = now;
        return true;
      });
      return {};
    },
  },
});
