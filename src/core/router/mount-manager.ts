// src/core/router — owns the two persisted mount tables and the live backend instances.
// Tables are stored above the barrier at sys/mount-table/{mounts,auth}; each backend gets a
// StorageView of its own subtree. Mount changes are rare, so each one rewrites its table.
// Also owns what audit records take from the mount configuration: each mount's
// audit_non_hmac_*_keys (in its entry) and the audited request headers (AuditedHeaders).
import { ArcaError } from '../../lib/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { Storage } from '../../storage/storage.js';
import { StorageView } from '../../storage/storage-view.js';
import { BackendHandler } from '../../framework/backend-handler.js';
import type { BackendEnv, MountConfig } from '../../framework/backend.js';
import type { BackendRegistry } from './backend-registry.js';
import { newMountEntry, normalizeMountPath, routePrefix, storagePrefix } from './mount-entry.js';
import type { MountEntry, MountTableName, MountTune } from './mount-entry.js';
import type { MountedBackend, Router } from './router.js';
import { AuditedHeaders } from './audited-headers.js';

export interface MountManagerDeps {
  readonly storage: Storage;
  readonly registry: BackendRegistry;
  readonly router: Router;
  readonly clock: Clock;
  readonly logger: Logger;
  /** System-wide lease TTL defaults and ceiling (seconds). */
  readonly defaults: MountConfig;
  /** Called after this node changed a table, so other nodes reload theirs. */
  readonly onChange?: (keyPrefix: string) => void;
}

const TABLE_KEY: Record<MountTableName, string> = { mounts: 'sys/mount-table/mounts', auth: 'sys/mount-table/auth' };
const RESERVED_SECRET_PREFIXES = ['sys/', 'auth/', 'cubbyhole/', 'identity/'];
const PATH_RE = /^[A-Za-z0-9_.@-]+(?:\/[A-Za-z0-9_.@-]+)*\/$/;

export class MountManager {
  private readonly deps: MountManagerDeps;
  private tables: Record<MountTableName, MountEntry[]> = { mounts: [], auth: [] };
  /** sys/config/auditing/request-headers; loaded and reloaded with the tables. */
  readonly auditedHeaders: AuditedHeaders;

  constructor(deps: MountManagerDeps) {
    this.deps = deps;
    this.auditedHeaders = new AuditedHeaders(deps.storage, deps.onChange);
  }

  /** The live entry of the mount routed at `prefix` ("secret/", "auth/userpass/"); hot path. */
  entryAt(prefix: string): MountEntry | undefined {
    return this.deps.router.get(prefix)?.entry;
  }

  /**
   * Loads both tables and mounts every entry. On first start the tables are created from
   * `builtins`; later, missing built-in entries (builtin: true) are re-added.
   */
  async load(builtins: readonly MountEntry[]): Promise<void> {
    await this.auditedHeaders.load();
    for (const table of ['mounts', 'auth'] as const) {
      const stored = await this.readTable(table);
      const entries = stored ?? builtins.filter((b) => b.table === table);
      for (const b of builtins) {
        if (b.table === table && b.builtin && !entries.some((e) => e.path === b.path)) entries.push(b);
      }
      this.tables[table] = entries;
      if (!stored) await this.writeTable(table);
      for (const entry of entries) await this.instantiate(entry);
    }
  }

  list(table: MountTableName): readonly MountEntry[] {
    return this.tables[table];
  }

  find(table: MountTableName, path: string): MountEntry | undefined {
    const p = normalizeMountPath(path);
    return this.tables[table].find((e) => e.path === p);
  }

  async mount(init: Parameters<typeof newMountEntry>[0]): Promise<MountEntry> {
    const entry = newMountEntry(init);
    this.validatePath(entry);
    this.deps.registry.get(entry.table, entry.type);
    const mounted = await this.instantiate(entry);
    try {
      this.tables[entry.table] = [...this.tables[entry.table], entry];
      await this.writeTable(entry.table);
    } catch (err) {
      this.deps.router.remove(routePrefix(entry));
      await mounted.handler.backend.cleanup?.();
      throw err;
    }
    return entry;
  }

  /** Removes a mount and its data. `beforeRemove` revokes its leases first. */
  async unmount(table: MountTableName, path: string, beforeRemove?: (entry: MountEntry) => Promise<void>): Promise<void> {
    const entry = this.find(table, path);
    if (!entry) return; // Vault: disabling a missing mount succeeds
    if (entry.builtin) throw new ArcaError('invalid_request', `cannot unmount ${JSON.stringify(routePrefix(entry))}`);
    await beforeRemove?.(entry);
    const mounted = this.deps.router.remove(routePrefix(entry));
    this.tables[table] = this.tables[table].filter((e) => e !== entry);
    await this.writeTable(table);
    await mounted?.handler.backend.cleanup?.();
    await deleteSubtree(this.deps.storage, storagePrefix(entry));
  }

  /**
   * The entry at `from` and the entry it would become at `to`, once that move is known to
   * be one `remount` accepts. Changes nothing: callers check before revoking what was issued
   * under the old path.
   */
  planRemount(table: MountTableName, from: string, to: string): { entry: MountEntry; moved: MountEntry } {
    const entry = this.find(table, from);
    if (!entry) throw new ArcaError('invalid_request', `no mount at ${JSON.stringify(normalizeMountPath(from))}`);
    if (entry.builtin) throw new ArcaError('invalid_request', `cannot remount ${JSON.stringify(routePrefix(entry))}`);
    const moved: MountEntry = { ...entry, path: normalizeMountPath(to) };
    const source = routePrefix(entry);
    if (routePrefix(moved) === source) throw new ArcaError('invalid_request', `path is already in use at ${source}`);
    this.validatePath(moved, source);
    return { entry, moved };
  }

  async remount(table: MountTableName, from: string, to: string): Promise<MountEntry> {
    const { entry, moved } = this.planRemount(table, from, to);
    const old = this.deps.router.remove(routePrefix(entry));
    this.tables[table] = this.tables[table].map((e) => (e === entry ? moved : e));
    await this.writeTable(table);
    await old?.handler.backend.cleanup?.();
    await this.instantiate(moved);
    return moved;
  }

  /**
   * Changes a mount's settings. `options`, when given, replaces the mount's options (the
   * caller merges); a change of options rebuilds the backend, which reads them only when
   * created (Vault's reloadBackendCommon: a KV mount tuned to version 2 upgrades its data).
   */
  async tune(table: MountTableName, path: string, tune: Partial<MountTune> & { description?: string; options?: Record<string, string> }): Promise<MountEntry> {
    const entry = this.find(table, path);
    if (!entry) throw new ArcaError('invalid_request', `no mount at ${JSON.stringify(normalizeMountPath(path))}`);
    const { description, options, ...config } = tune;
    const next: MountEntry = {
      ...entry,
      description: description ?? entry.description,
      options: options ?? entry.options,
      config: { ...entry.config, ...config },
    };
    const max = next.config.max_lease_ttl || this.deps.defaults.maxLeaseTtl;
    if (next.config.default_lease_ttl > max) throw new ArcaError('invalid_request', 'default_lease_ttl cannot be greater than max_lease_ttl');
    if (next.config.max_lease_ttl > this.deps.defaults.maxLeaseTtl) {
      throw new ArcaError('invalid_request', 'max_lease_ttl cannot be greater than the system max lease TTL');
    }
    const mounted = this.deps.router.get(routePrefix(entry));
    // Built before anything is written: options the backend refuses leave the mount as it was.
    const rebuilt = mounted && sameOptions(entry.options, next.options) ? undefined : await this.build(next);
    this.tables[table] = this.tables[table].map((e) => (e === entry ? next : e));
    try {
      await this.writeTable(table);
    } catch (err) {
      this.tables[table] = this.tables[table].map((e) => (e === next ? entry : e));
      await rebuilt?.handler.backend.cleanup?.().catch(() => undefined);
      throw err;
    }
    if (rebuilt === undefined && mounted) this.deps.router.add({ entry: next, handler: mounted.handler });
    else if (rebuilt !== undefined) await this.swap(mounted, rebuilt);
    return next;
  }

  /** Routes `fresh` in place of `old` (same prefix), then cleans `old` up. */
  private async swap(old: MountedBackend | undefined, fresh: MountedBackend): Promise<void> {
    this.deps.router.add(fresh);
    await old?.handler.backend.cleanup?.().catch(() => undefined);
  }

  /** The TTLs that apply to a mount, resolved against the system defaults. */
  mountConfig(entry: MountEntry): MountConfig {
    const maxLeaseTtl = entry.config.max_lease_ttl || this.deps.defaults.maxLeaseTtl;
    const defaultLeaseTtl = Math.min(entry.config.default_lease_ttl || this.deps.defaults.defaultLeaseTtl, maxLeaseTtl);
    return { defaultLeaseTtl, maxLeaseTtl };
  }

  async teardown(): Promise<void> {
    for (const m of this.deps.router.all()) {
      if (m.entry.type === 'system') continue;
      this.deps.router.remove(routePrefix(m.entry));
      await m.handler.backend.cleanup?.().catch(() => undefined);
    }
    this.tables = { mounts: [], auth: [] };
  }

  /** `movingFrom`: the route the entry leaves (a move may not overlap any other mount). */
  private validatePath(entry: MountEntry, movingFrom?: string): void {
    const prefix = routePrefix(entry);
    if (!PATH_RE.test(entry.path)) throw new ArcaError('invalid_request', `invalid mount path ${JSON.stringify(entry.path)}`);
    if (entry.table === 'mounts' && !entry.builtin && RESERVED_SECRET_PREFIXES.some((r) => prefix.startsWith(r))) {
      throw new ArcaError('invalid_request', `cannot mount at reserved path ${JSON.stringify(prefix)}`);
    }
    const conflict = this.deps.router.conflicts(prefix, movingFrom);
    if (conflict) throw new ArcaError('invalid_request', `path is already in use at ${conflict}`);
  }

  private async instantiate(entry: MountEntry): Promise<MountedBackend> {
    const existing = this.deps.router.get(routePrefix(entry));
    if (entry.type === 'system' && existing) {
      // The core keeps sys/ mounted across seals; adopt the persisted entry's identity.
      const adopted = { entry, handler: existing.handler };
      this.deps.router.add(adopted);
      return adopted;
    }
    const mounted = await this.build(entry);
    this.deps.router.add(mounted);
    return mounted;
  }

  /** Creates and initializes the backend of `entry` without routing it. */
  private async build(entry: MountEntry): Promise<MountedBackend> {
    const plugin = this.deps.registry.get(entry.table, entry.type);
    const env: BackendEnv = {
      storage: new StorageView(this.deps.storage, storagePrefix(entry)),
      clock: this.deps.clock,
      logger: this.deps.logger.child({ mount: routePrefix(entry) }),
      options: entry.options,
      mountPoint: routePrefix(entry),
      mountAccessor: entry.accessor,
      config: () => this.mountConfig(this.find(entry.table, entry.path) ?? entry),
    };
    const backend = plugin.factory(env);
    await backend.initialize?.();
    return { entry, handler: new BackendHandler(backend, env) };
  }

  private async readTable(table: MountTableName): Promise<MountEntry[] | undefined> {
    const raw = await this.deps.storage.get(TABLE_KEY[table]);
    return raw ? (JSON.parse(Buffer.from(raw).toString('utf8')) as MountEntry[]) : undefined;
  }

  private async writeTable(table: MountTableName): Promise<void> {
    await this.deps.storage.put(TABLE_KEY[table], Buffer.from(JSON.stringify(this.tables[table])));
    this.deps.onChange?.(TABLE_KEY[table]);
  }

  /**
   * Re-reads both tables after another node changed them: mounts that disappeared are
   * removed (their data is the other node's to delete), new ones are instantiated, moved or
   * tuned ones take their new entry. Entries are matched by uuid.
   */
  async reload(): Promise<void> {
    await this.auditedHeaders.load();
    for (const table of ['mounts', 'auth'] as const) {
      const stored = await this.readTable(table);
      if (!stored) continue;
      const byUuid = new Map(stored.map((e) => [e.uuid, e]));
      for (const m of this.deps.router.all()) {
        if (m.entry.table !== table || m.entry.type === 'system') continue;
        const next = byUuid.get(m.entry.uuid);
        if (next && next.path === m.entry.path) {
          if (sameOptions(m.entry.options, next.options)) this.deps.router.add({ entry: next, handler: m.handler });
          else await this.swap(m, await this.build(next));
          continue;
        }
        this.deps.router.remove(routePrefix(m.entry));
        await m.handler.backend.cleanup?.().catch(() => undefined);
      }
      this.tables[table] = stored;
      for (const e of stored) {
        const live = this.deps.router.get(routePrefix(e));
        if (!live || live.entry.uuid !== e.uuid) await this.instantiate(e);
      }
    }
  }
}

function sameOptions(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}

/** Deletes every key under `prefix` in bounded batches. */
export async function deleteSubtree(storage: Storage, prefix: string): Promise<void> {
  for (;;) {
    const keys = await storage.scan(prefix, { limit: 1000 });
    if (keys.length === 0) return;
    await storage.transaction(async (tx) => {
      for (const k of keys) await tx.delete(k);
    });
  }
}
