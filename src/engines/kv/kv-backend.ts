// src/engines/kv — the `kv` secrets engine factory (plugin id `secrets.kv`). The mount
// option `version` picks the flavour: "1" (the default, as in Vault) or "2". Creating the
// backend has no side effects; all state lives in the mount's storage view.
import { ArcaError } from '../../lib/errors.js';
import type { BackendFactory } from '../../framework/backend.js';
import { createKvV1Backend } from './kv-v1-backend.js';
import { createKvV2Backend } from './kv-v2-backend.js';

export const createKvBackend: BackendFactory = (env) => {
  const version = env.options['version'] ?? '1';
  if (version === '1' || version === '') return createKvV1Backend(env);
  if (version === '2') return createKvV2Backend(env);
  throw new ArcaError('invalid_request', `unsupported kv version ${JSON.stringify(version.slice(0, 16))}: expected "1" or "2"`);
};
