// src/core — connects the lease manager to the backends: a lease remembers the accessor of
// the mount that issued it, and renew/revoke call that backend's SecretType callbacks.
import { ArcaError } from '../lib/errors.js';
import type { Backend, BackendEnv } from '../framework/backend.js';
import type { LeaseEntry } from './leases/lease-entry.js';
import type { SecretRevoker } from './leases/lease-manager.js';
import type { Core } from './core.js';

export class CoreRevoker implements SecretRevoker {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  async renew(lease: LeaseEntry): Promise<void> {
    const { type, backend, env } = this.find(lease);
    const secretType = backend.secretTypes?.[type];
    if (!secretType?.renew) throw new ArcaError('invalid_request', 'lease is not renewable');
    await secretType.renew(lease.internal, env);
  }

  async revoke(lease: LeaseEntry): Promise<void> {
    const mounted = this.core.router.byAccessor(lease.mountAccessor);
    if (!mounted) return; // the mount is gone: nothing left to revoke against
    const secretType = mounted.handler.backend.secretTypes?.[lease.secretType];
    if (secretType) await secretType.revoke(lease.internal, mounted.handler.env);
  }

  private find(lease: LeaseEntry): { type: string; backend: Backend; env: BackendEnv } {
    const mounted = this.core.router.byAccessor(lease.mountAccessor);
    if (!mounted) throw new ArcaError('invalid_request', 'the mount that issued this lease no longer exists');
    return { type: lease.secretType, backend: mounted.handler.backend, env: mounted.handler.env };
  }
}
