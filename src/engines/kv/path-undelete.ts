// src/engines/kv — `undelete/:path` of KV v2: clears the deletion_time of the listed
// versions, making them readable again. Destroyed versions stay destroyed. As in Vault, an
// undeleted version is rescheduled by delete_version_after counted from now (a version
// that was never deleted is rescheduled too), so undelete cannot outlive that policy.
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import { readableKeyPath } from './key-path.js';
import { scheduledDeletion } from './key-metadata.js';
import { parseVersionList, updateVersions } from './version-list.js';

export const pathUndelete: AnyPathSpec = definePath({
  pattern: 'undelete/(?<path>.*)',
  fields: {
    path: field.string().required('Location of the secret.'),
    versions: field.strings().optional('The versions to restore.'),
  },
  summary: 'Restore soft-deleted versions of a secret.',
  operations: {
    update: async ({ fields: f, storage, clock }) => {
      const path = readableKeyPath(f.path);
      const versions = parseVersionList(f.versions, 'No version number provided');
      // A '' or folder key has no versions: nothing to change (Vault: 204).
      if (path === undefined) return {};
      const now = clock.now();
      await updateVersions(storage, path, versions, async (_store, record, _version, { meta, config }) => {
        if (record.destroyed) return false;
        const deleted = scheduledDeletion(meta, config, now);
        if (record.deleted === deleted) return false;
        record.deleted = deleted;
        return true;
      });
      return {};
    },
  },
});
