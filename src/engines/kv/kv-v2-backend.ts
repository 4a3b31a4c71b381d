// src/engines/kv — KV version 2: versioned secrets with metadata, check-and-set, soft
// delete, undelete, destroy and per-mount configuration. The path order matters only in
// that `config` is matched before the catch-all prefixes, which it cannot overlap anyway.
import type { Backend, BackendEnv } from '../../framework/backend.js';
import { pathConfig } from './path-config.js';
import { pathData } from './path-data.js';
import { pathDelete } from './path-delete.js';
import { pathDestroy } from './path-destroy.js';
import { pathMetadata } from './path-metadata.js';
import { pathSubkeys } from './path-subkeys.js';
import { pathUndelete } from './path-undelete.js';

export function createKvV2Backend(_env: BackendEnv): Backend {
  return {
    id: 'secrets.kv',
    type: 'kv',
    kind: 'secret',
    paths: [pathConfig, pathData, pathMetadata, pathDelete, pathUndelete, pathDestroy, pathSubkeys],
  };
}
