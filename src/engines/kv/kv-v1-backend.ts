// src/engines/kv — KV version 1: unversioned secrets at any path (Vault's `kv` default).
import type { Backend, BackendEnv } from '../../framework/backend.js';
import { pathKvV1 } from './path-kv-v1.js';

export function createKvV1Backend(_env: BackendEnv): Backend {
  return { id: 'secrets.kv', type: 'kv', kind: 'secret', paths: [pathKvV1] };
}
