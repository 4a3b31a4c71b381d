// src/engines/kv — KV version 2: versioned secrets with metadata, check-and-set, soft
// delete, undelete, destroy and per-mount configuration. The path order matters only in
// that `config` is matched before the catch-all prefixes, which it cannot overlap anyway.
// Before serving, it moves any KV v1 data of the mount into the v2 layout (a mount tuned
// from version 1 to 2, as Vault upgrades it).
import type { Backend, BackendEnv } from '../../framework/backend.js';
import { pathConfig } from './path-config.js';
import { pathData } from './path-data.js';
import { pathDelete } from './path-delete.js';
import { pathDestroy } from './path-destroy.js';
import { pathMetadata } from './path-metadata.js';
import { pathSubkeys } from './path-subkeys.js';
import { pathUndelete } from './path-undelete.js';
import { upgradeFromV1 } from './upgrade-from-v1.js';

export function createKvV2Backend(env: BackendEnv): Backend {
  return {
    id: 'secrets.kv',
    type: 'kv',
    kind: 'secret',
    paths: [pathConfig, pathData, pathMetadata, pathDelete, pathUndelete, pathDestroy, pathSubkeys],
    initialize: async () => {
      const moved = await upgradeFromV1(env.storage, () => env.clock.now());
      if (moved > 0) env.logger.info({ keys: moved }, 'kv: upgraded v1 secrets to v2');
    },
  };
}
