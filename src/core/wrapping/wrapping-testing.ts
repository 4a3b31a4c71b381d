// src/core/wrapping — test support (not used in production code): a WrappingManager over a
// real TokenStore and LeaseManager on fresh in-memory storage with a FakeClock, wired the
// way the core wires them (a revoked token drops its wrapped payload).
import { FakeClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { InmemPhysical } from '../../storage/inmem/inmem-physical.js';
import { LeaseManager } from '../leases/lease-manager.js';
import { TokenStore } from '../tokens/token-store.js';
import { WrappingManager } from './wrapping-manager.js';

export interface WrappingWorld {
  readonly physical: InmemPhysical;
  readonly clock: FakeClock;
  readonly leases: LeaseManager;
  readonly tokens: TokenStore;
  readonly manager: WrappingManager;
}

export function createWrappingWorld(): WrappingWorld {
  const physical = new InmemPhysical();
  const clock = new FakeClock();
  const holder: { manager?: WrappingManager } = {};
  const leases = new LeaseManager({
    storage: physical, clock, logger: silentLogger,
    revoker: { renew: async () => undefined, revoke: async () => undefined },
  });
  const tokens = new TokenStore({
    storage: physical, clock, leases,
    onRevoked: async (tokenKey) => holder.manager?.onTokenRevoked(tokenKey),
  });
  const manager = new WrappingManager({ storage: physical, tokens, clock });
  holder.manager = manager;
  return { physical, clock, leases, tokens, manager };
}
