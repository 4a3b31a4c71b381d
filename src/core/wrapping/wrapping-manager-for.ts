// src/core/wrapping — the WrappingManager of a running core. The manager holds no
// authoritative state (payloads live in storage), so one is built per unseal, keyed by the
// core's token store (replaced on every unseal), and shared by the sys/wrapping paths and
// the pipeline step so a handler's attached wrap_info reaches wrapCoreResponse.
import { StorageView } from '../../storage/storage-view.js';
import type { Core } from '../core.js';
import type { TokenStore } from '../tokens/token-store.js';
import { WrappingManager } from './wrapping-manager.js';

const managers = new WeakMap<TokenStore, WrappingManager>();

/** Only valid while unsealed (the token store exists). */
export function wrappingManagerFor(core: Core): WrappingManager {
  const tokens = core.tokens;
  let manager = managers.get(tokens);
  if (!manager) {
    manager = new WrappingManager({ storage: new StorageView(core.barrier, ''), tokens, clock: core.deps.clock });
    managers.set(tokens, manager);
  }
  return manager;
}
