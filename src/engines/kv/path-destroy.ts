// src/engines/kv — `destroy/:path` of KV v2: permanently removes the data of the listed
// versions; their metadata stays, marked destroyed, so reads answer 404 with it.
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import { readableKeyPath } from './key-path.js';
import { parseVersionList, updateVersions } from './version-list.js';

export const pathDestroy: AnyPathSpec = definePath({
  pattern: 'destroy/(?<path>.*)',
  fields: {
    path: field.string().required('Location of the secret.'),
    versions: field.strings().optional('The versions to destroy.'),
  },
  summary: 'Permanently destroy versions of a secret.',
  operations: {
    update: async ({ fields: f, storage }) => {
      const path = readableKeyPath(f.path);
      const versions = parseVersionList(f.versions);
      // A '' or folder key has no versions: nothing to change (Vault: 204).
      if (path === undefined) return {};
      await updateVersions(storage, path, versions, async (store, record, version) => {
        if (record.destroyed) return false;
        record.destroyed = true;
        await store.deleteVersion(path, version);
        return true;
      });
      return {};
    },
  },
});
