// src/core — the heart of the server: owns the barrier-backed subsystems (mounts, policies,
// tokens, leases, audit) and runs every request through one pipeline:
//   seal gate → route → token lookup → create/update by existence → ACL (+sudo) →
//   num_uses → audit(request) → backend handler → lease / token minting → audit(response).
// Authorisation, audit and leases live here and never in an engine. Subsystems are built
// on unseal and dropped on seal; nothing authoritative lives only in memory.
import { ArcaError, forbidden, isArcaError } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { cacheInvalidationOf, isExclusive } from '../storage/storage.js';
import type { Physical } from '../storage/storage.js';
import { StorageView } from '../storage/storage-view.js';
import type { SecurityBarrier } from '../barrier/security-barrier.js';
import type { BackendFactory, MountConfig } from '../framework/backend.js';
import { BackendHandler } from '../framework/backend-handler.js';
import type { PathMatch } from '../framework/backend-handler.js';
import type { LogicalRequest, LogicalResponse } from '../framework/logical.js';
import { needsSudo } from '../framework/path-spec.js';
import { AuditBroker } from '../audit/audit-broker.js';
import { Router } from './router/router.js';
import type { MountedBackend } from './router/router.js';
import { MountManager } from './router/mount-manager.js';
import type { BackendRegistry } from './router/backend-registry.js';
import { newMountEntry } from './router/mount-entry.js';
import type { MountEntry } from './router/mount-entry.js';
import { PolicyStore } from './policies/policy-store.js';
import { LeaseManager } from './leases/lease-manager.js';
import { TokenStore } from './tokens/token-store.js';
import type { TokenEntry } from './tokens/token-entry.js';
import type { CoreResponse } from './core-response.js';
import { auditBlocks, grantRecord, requestRecord, responseRecord } from './audit-records.js';
import type { AuditBlocks } from './audit-records.js';
import type { AuditEntry } from '../audit/audit-entry.js';
import { IdentityStore } from './identity/identity-store.js';
import type { GrantEvent } from './identity/identity-store.js';
import { MfaManager } from './mfa/mfa-manager.js';
import type { TemplateIdentity } from '../policy/render-policy-template.js';
import type { Acl } from '../policy/acl.js';
import { AuditTable } from './audit-table.js';
import { CoreRevoker } from './core-revoker.js';
import { finishResponse } from './finish-response.js';
import { LoginGuard } from './login-guard.js';
import { WrappingManager } from './wrapping/wrapping-manager.js';
import { wrapCoreResponse } from './wrapping/wrap-core-response.js';
import { addressAllowed } from '../auth/cidr-list.js';
import type { CoreMetrics } from './core-metrics.js';

export interface CoreDeps {
  readonly physical: Physical;
  readonly barrier: SecurityBarrier;
  readonly registry: BackendRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly defaults: MountConfig;
  readonly reapIntervalMs: number;
  /** Mounts created on first start (cubbyhole/, auth/token/, and secret/ in dev mode). */
  readonly builtinMounts: () => MountEntry[];
  /** The sys/ backend; routable even while sealed (seal-status, unseal, health). */
  readonly systemBackend: BackendFactory;
  readonly metrics?: CoreMetrics;
  readonly auditTimeoutMs?: number;
  /** Audit devices make their lines on the shared worker thread (see audit-worker-policy.ts). */
  readonly auditWorker?: boolean;
}

/** Paths served while sealed (the sys backend answers them without a token). */
// Answered while sealed. sys/seal is here because Vault answers it 204 on a sealed node (its
// SealWithRequest returns at once); unauthorised then, its handler does nothing without a token.
const SEALED_PATHS = new Set(['sys/seal-status', 'sys/health', 'sys/init', 'sys/unseal', 'sys/leader', 'sys/seal']);

export class Core {
  readonly deps: CoreDeps;
  readonly router = new Router();
  readonly audit: AuditBroker;
  mounts!: MountManager;
  policies!: PolicyStore;
  tokens!: TokenStore;
  leases!: LeaseManager;
  auditTable!: AuditTable;
  loginGuard!: LoginGuard;
  wrapping!: WrappingManager;
  identity!: IdentityStore;
  mfa!: MfaManager;
  private active = false;
  private unsubscribeInvalidation: (() => void) | undefined;

  constructor(deps: CoreDeps) {
    this.deps = deps;
    this.audit = new AuditBroker({ timeoutMs: deps.auditTimeoutMs ?? 5000, clock: deps.clock, logger: deps.logger });
    this.mountSystem();
  }

  /** sys/ stays mounted while sealed; its storage is the barrier, which refuses while sealed. */
  private mountSystem(): void {
    const entry = newMountEntry({ table: 'mounts', path: 'sys', type: 'system', description: 'system endpoints used for control, policy and debugging', builtin: true });
    const env = {
      storage: new StorageView(this.deps.barrier, 'sys/'),
      clock: this.deps.clock,
      logger: this.deps.logger.child({ mount: 'sys/' }),
      options: {},
      mountPoint: 'sys/',
      mountAccessor: entry.accessor,
      config: () => this.deps.defaults,
    };
    this.router.add({ entry, handler: new BackendHandler(this.deps.systemBackend(env), env) });
  }

  get barrier(): SecurityBarrier {
    return this.deps.barrier;
  }

  get sealed(): boolean {
    return !this.active;
  }

  /** Builds every subsystem on an unsealed barrier. Called by the seal controller. */
  async postUnseal(): Promise<void> {
    const { barrier, clock, logger } = this.deps;
    const sys = new StorageView(barrier, '');
    const invalidation = cacheInvalidationOf(this.deps.physical);
    const announce = invalidation
      ? (prefix: string): void => {
          invalidation.notifyInvalidate(prefix).catch((err: unknown) => logger.warn({ err: String(err) }, 'cache invalidation notify failed'));
        }
      : undefined;
    this.policies = new PolicyStore(sys, announce);
    await this.policies.load();
    const revoker = new CoreRevoker(this);
    this.leases = new LeaseManager({ storage: sys, clock, revoker, logger: logger.child({ subsystem: 'leases' }) });
    this.tokens = new TokenStore({
      storage: sys,
      clock,
      leases: this.leases,
      onRevoked: (tokenKey) => this.onTokenRevoked(tokenKey),
      identityPolicies: (entityId) => this.identityPoliciesOf(entityId),
    });
    // Built before the mounts: the identity/ backend is created with them.
    this.identity = new IdentityStore({
      storage: sys,
      clock,
      onGrantEvent: (event) => this.auditGrantEvent(event),
      lookupMount: (accessor) => {
        const m = this.router.byAccessor(accessor);
        return m && m.entry.table === 'auth' ? { type: m.entry.type, path: m.entry.path } : undefined;
      },
      // Both stores sit on `sys`, so the merge's transaction reaches the MFA enrolments.
      onEntitiesMerged: (tx, merge) => this.mfa.mergeEnrolments(tx, merge),
      // Templated ACLs were rendered from identity state: drop them on every identity write.
      onChange: () => {
        this.policies.dropIdentityAcls();
        announce?.('sys/identity/');
      },
    });
    this.mfa = new MfaManager({ storage: sys, clock });
    this.mounts = new MountManager({
      storage: barrier,
      registry: this.deps.registry,
      router: this.router,
      clock,
      logger,
      defaults: this.deps.defaults,
      ...(announce ? { onChange: announce } : {}),
    });
    await this.mounts.load(this.deps.builtinMounts());
    this.loginGuard = new LoginGuard(sys, clock);
    this.wrapping = new WrappingManager({ storage: sys, tokens: this.tokens, clock });
    // One checkpoint per audit path only where this node is the storage's only writer.
    this.auditTable = new AuditTable(sys, this.audit, {
      logger: logger.child({ subsystem: 'audit' }),
      clock,
      checkpoints: isExclusive(this.deps.physical),
      worker: this.deps.auditWorker ?? false,
    });
    await this.auditTable.load();
    this.leases.start(this.deps.reapIntervalMs);
    if (invalidation) this.unsubscribeInvalidation = await invalidation.onInvalidate((prefix) => void this.onRemoteChange(prefix));
    this.active = true;
  }

  /**
   * Another node (or this one) changed state cached here: drop or reload it. '' means
   * notifications may have been lost, so everything is refreshed.
   */
  private async onRemoteChange(prefix: string): Promise<void> {
    if (!this.active) return;
    try {
      if (prefix === '' || prefix.startsWith('sys/policy/')) this.policies.invalidate();
      if (prefix === '' || prefix.startsWith('sys/identity/')) {
        this.identity.invalidate();
        this.policies.dropIdentityAcls();
      }
      if (prefix === '' || prefix.startsWith('sys/mount-table/')) await this.mounts.reload();
    } catch (err) {
      this.deps.logger.error({ err: String(err), prefix }, 'applying a change from another node failed');
    }
  }

  /** Drops every subsystem and seals the barrier. */
  async preSeal(): Promise<void> {
    this.active = false;
    this.unsubscribeInvalidation?.();
    this.unsubscribeInvalidation = undefined;
    this.leases?.stop();
    // Through the table when there is one: it saves each file device's checkpoint after close.
    await (this.auditTable ? this.auditTable.close() : this.audit.close()).catch(() => undefined);
    await this.mounts?.teardown();
    this.policies?.invalidate();
    this.mountSystem();
  }

  async handle(req: LogicalRequest): Promise<CoreResponse | undefined> {
    if (!this.active && !SEALED_PATHS.has(req.path)) throw new ArcaError('sealed', 'Vault is sealed');
    const match = this.router.route(req.path);
    if (!match) throw new ArcaError('not_found', `no handler for route ${JSON.stringify(req.path)}. route entry not found.`);
    const { mount, prefix, relativePath } = match;
    req.mountPoint = prefix;
    req.relativePath = relativePath;
    req.mountType = mount.entry.type;
    req.mountAccessor = mount.entry.accessor;
    const path = mount.handler.match(relativePath);
    const unauthenticated = path?.spec.unauthenticated === true;

    // While sealed only unauthenticated sys paths get here and there is no token store.
    let exhausted = false;
    if (this.active && (!unauthenticated || req.clientToken !== '')) {
      try {
        exhausted = await this.authorize(req, mount, path, unauthenticated);
      } catch (err) {
        if (isArcaError(err) && err.code === 'permission_denied') await this.auditDenied(req, err);
        throw err;
      }
    }
    // Logins go through the lockout guard: per account when the path names one, and always
    // per client address.
    const isLogin = this.active && mount.entry.table === 'auth' && (path?.spec.loginAccount !== undefined || path?.spec.login === true);
    try {
      if (isLogin) return await this.loginGuard.run(req, mount.entry, mount.handler.loginAccount(req, path), () => this.dispatch(req, mount, path));
      return await this.dispatch(req, mount, path);
    } finally {
      // A token whose last use this was is revoked once its request is answered.
      if (exhausted && req.auth) await this.tokens.revokeByKey(req.auth.tokenKey).catch(() => undefined);
    }
  }

  private async dispatch(req: LogicalRequest, mount: MountedBackend, path: PathMatch | undefined): Promise<CoreResponse | undefined> {
    const started = performance.now();
    // With no device enabled there is nothing to write: do not build the records.
    const blocks = this.audit.active ? auditBlocks(req, this.mounts) : undefined;
    // Fail closed: a request that may change anything runs only once its request record is
    // durable. A pure read (the path says so, and no wrapping token is minted) runs while
    // that record is being written; its answer is held until both records are durable, so
    // no answer leaves unaudited either way, and both records usually share one fsync.
    const overlap = blocks !== undefined && isPureRead(req, path);
    const requestLogged = blocks ? this.audit.logRequest(requestRecord(blocks, this.deps.clock.now())) : undefined;
    if (requestLogged && !overlap) await requestLogged;
    // Awaited below; until then a rejection must not count as unhandled.
    requestLogged?.catch(() => undefined);
    const logResponse = async (record: (b: AuditBlocks) => AuditEntry): Promise<void> => {
      if (blocks) await Promise.all([requestLogged, this.audit.logResponse(record(blocks))]);
    };
    let out: CoreResponse | undefined;
    try {
      let res: LogicalResponse | undefined;
      try {
        res = await mount.handler.handle(req, path);
      } finally {
        this.deps.metrics?.observeHandler(mount.entry.type, performance.now() - started);
      }
      // Failures from here on (an empty read's 404, lease or wrapping errors) are audited
      // like the handler's own. Wrapped before the response is audited, so the log shows
      // wrap_info (token HMAC'd). While sealed (only SEALED_PATHS get here) there is no
      // wrapping manager and nothing is wrapped, as Vault answers those paths raw.
      const finished = await finishResponse(this, req, mount.entry, res);
      out = this.active ? await wrapCoreResponse(this.wrapping, finished, req) : finished;
    } catch (err) {
      const message = isArcaError(err) ? err.errors.join('; ') : 'internal error';
      await logResponse((b) => responseRecord(b, req, this.deps.clock.now(), undefined, message, isArcaError(err) ? err.status : 500));
      throw err;
    }
    await logResponse((b) => responseRecord(b, req, this.deps.clock.now(), out));
    return out;
  }

  /**
   * A refused request is audited as Vault does: a request and a response record, each with
   * the error, so failed attempts (unknown tokens, missing capabilities) show in the log.
   * The caller is refused whatever the devices answer; a device failure is logged.
   */
  private async auditDenied(req: LogicalRequest, err: ArcaError): Promise<void> {
    if (!this.audit.active) return;
    const blocks = auditBlocks(req, this.mounts);
    const message = err.errors.join('; ');
    try {
      await this.audit.logRequest(requestRecord(blocks, this.deps.clock.now(), message));
      await this.audit.logResponse(responseRecord(blocks, req, this.deps.clock.now(), undefined, message, err.status));
    } catch {
      this.deps.logger.error({ path: req.path }, 'audit: a refused request could not be recorded');
    }
  }

  /**
   * Resolves the caller's token, decides create vs update, checks the ACL and counts one
   * use. Returns true when that use exhausted the token.
   */
  private async authorize(req: LogicalRequest, mount: MountedBackend, path: PathMatch | undefined, unauthenticated: boolean): Promise<boolean> {
    const found = req.clientToken === '' ? undefined : await this.tokens.lookup(req.clientToken);
    // A token used from outside its bound CIDRs is no token at all (Vault's behaviour), nor is
    // one whose entity was deleted or disabled (Vault's CheckToken: 403 "permission denied").
    // The entity check reads the identity cache: no storage read while identity is unchanged.
    const entry = found && addressAllowed(found.boundCidrs, req.remoteAddress) && (found.entityId === '' || (await this.identity.tokenEntityActive(found.entityId))) ? found : undefined;
    if (!entry) {
      if (unauthenticated) return false;
      throw forbidden();
    }
    req.auth = this.tokens.toRequestAuth(entry);
    if (unauthenticated) return false;
    if (req.operation === 'update') {
      const exists = path ? await mount.handler.exists(req, path) : undefined;
      if (exists === false) req.operation = 'create';
    }
    const { acl, policies } = await this.effectiveAcl(entry);
    if (policies !== entry.policies) req.auth = { ...req.auth, policies };
    const verdict = acl.check({ path: req.path, operation: req.operation, data: req.data, ...(req.wrapTtl > 0 ? { wrapTtl: req.wrapTtl } : {}) });
    if (!verdict.allowed || (path !== undefined && needsSudo(path.spec, req.operation) && !verdict.rootPrivs)) throw forbidden();
    const use = await this.tokens.use(entry);
    if (!use) throw forbidden();
    return use.exhausted;
  }

  /**
   * Temporary access grants are audited when granted, first used, expired and revoked: a
   * record of its own, shaped as a request on the grant's path so every device (and
   * `arca audit verify`) handles it like any other. Fails closed like any audit write.
   */
  private async auditGrantEvent(event: GrantEvent): Promise<void> {
    if (this.audit.active) await this.audit.logRequest(grantRecord(event, this.deps.clock.now()));
  }

  /** Lets every mounted backend drop per-token state (cubbyhole). */
  private async onTokenRevoked(tokenKey: string): Promise<void> {
    await this.wrapping.onTokenRevoked(tokenKey);
    for (const m of this.router.all()) await m.handler.backend.onTokenRevoked?.(tokenKey);
  }

  /**
   * The ACL a token acts with: its own policies + its entity's and groups' + active temporary
   * grants, templated policies rendered for its entity (Vault's fetchACLTokenEntryAndEntity).
   * sys/capabilities and sys/capabilities-accessor answer with it too, as Vault's
   * Core.Capabilities adds the identity policies. A token whose entity is gone is refused.
   */
  async effectiveAcl(entry: TokenEntry): Promise<{ acl: Acl; policies: readonly string[] }> {
    if (entry.entityId === '') return { acl: await this.policies.acl(entry.policies, undefined), policies: entry.policies };
    const identity = await this.identity.effective(entry.entityId);
    if (!identity.entity) throw forbidden();
    const policies = [...new Set([...entry.policies, ...identity.policies])];
    // Rendered (and cached) for the entity the token now acts as: the merge target for a
    // token of a merged-away entity, whose entry keeps the id it was issued with.
    const template: { entityId: string; template: TemplateIdentity } = {
      entityId: identity.entity.id,
      template: { entity: identity.entity, groups: identity.groups },
    };
    return { acl: await this.policies.acl(policies, template), policies };
  }

  /** Vault's identity_policies of a token's entity; none for a disabled or deleted entity. */
  private async identityPoliciesOf(entityId: string): Promise<readonly string[]> {
    try {
      return (await this.identity.effective(entityId)).identityPolicies;
    } catch (err) {
      if (isArcaError(err) && err.code === 'permission_denied') return [];
      throw err;
    }
  }

  /**
   * Revokes a mount's leases before it is removed and, for an auth method, every token its
   * logins minted with their children (Vault's disableCredential). A failure leaves the
   * mount enabled (the revocation runs before the table changes), so disabling it again
   * finishes the job. A login that passed its mount check just before the sweep may mint a
   * token after it, so the index is swept once more when the mount no longer routes.
   */
  async unmount(table: 'mounts' | 'auth', path: string): Promise<void> {
    let authAccessor: string | undefined;
    await this.mounts.unmount(table, path, async (entry) => {
      const prefix = entry.table === 'auth' ? `auth/${entry.path}` : entry.path;
      await this.leases.revokePrefix(prefix, { force: true });
      if (entry.table === 'auth') {
        authAccessor = entry.accessor;
        await this.tokens.revokeByMount(entry.accessor);
      }
    });
    if (authAccessor !== undefined) await this.tokens.revokeByMount(authAccessor);
  }
}

/** A read or list on a path that declares it changes nothing, with no response wrapping. */
function isPureRead(req: LogicalRequest, path: PathMatch | undefined): boolean {
  return (req.operation === 'read' || req.operation === 'list') && path?.spec.pureReads === true && req.wrapTtl === 0;
}
