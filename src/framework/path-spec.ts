// src/framework — an engine is a table of paths (Vault's framework.Path): a pattern whose
// named groups become fields, a typed field table, one handler per operation and an
// optional existence check (which decides whether a write is "create" or "update" for ACLs).
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { StorageView } from '../storage/storage-view.js';
import type { FieldMap, FieldValues } from './field.js';
import type { LogicalRequest, LogicalResponse, Operation } from './logical.js';

/** Everything a handler may touch: its mount's storage and nothing else outside the request. */
export interface HandlerContext<V> {
  readonly req: LogicalRequest;
  readonly fields: V;
  readonly storage: StorageView;
  readonly clock: Clock;
  readonly logger: Logger;
}

export type Handler<V> = (ctx: HandlerContext<V>) => Promise<LogicalResponse | undefined>;

export interface PathSpec<F extends FieldMap = FieldMap> {
  /**
   * A regular expression source, anchored at both ends by the framework, matched against
   * the path relative to the mount. Named groups (`(?<name>...)`) are fields of the table.
   */
  readonly pattern: string;
  readonly fields: F;
  readonly operations: Partial<Record<Operation, Handler<FieldValues<F>>>>;
  /** Resolves true when the target exists (a write is then "update", else "create"). */
  readonly existenceCheck?: (ctx: HandlerContext<FieldValues<F>>) => Promise<boolean>;
  /**
   * Operations on this path need `sudo` (Vault's PathsSpecial.Root): true for all, or the
   * listed ones. Vault's root entries are path globs, so one regex here can cover paths that
   * differ in sudo: `leases/lookup/?` is sudo to LIST (`sys/leases/lookup/`) but not for the
   * body-form lookup (`sys/leases/lookup`).
   */
  readonly sudo?: boolean | readonly Operation[];
  /** Reachable without a token (Vault's PathsSpecial.Unauthenticated), e.g. login. */
  readonly unauthenticated?: boolean;
  readonly summary?: string;
  /** Unknown body fields are ignored with a warning unless the path takes free-form data. */
  readonly freeForm?: boolean;
  /**
   * Login paths: the account this attempt is for (a username, a role id), read from the
   * fields before the handler runs. The core throttles and locks out failed logins per
   * account and per client address with it; the handler never sees lockout state.
   */
  readonly loginAccount?: (ctx: HandlerContext<FieldValues<F>>) => string | undefined;
  /**
   * A login path without a lockable account (e.g. a JWT login, whose only known name is a
   * role shared by many callers): failures are throttled per client address only.
   */
  readonly login?: boolean;
  /**
   * Reads and lists on this path change nothing (no storage write, no lease, no call out):
   * the core may run them while their audit request record is still being made durable,
   * and releases the answer only once both records are (docs/design/audit.md).
   */
  readonly pureReads?: boolean;
}

/** The erased form stored in a backend's table. */
export interface AnyPathSpec {
  readonly pattern: string;
  readonly fields: FieldMap;
  readonly operations: Partial<Record<Operation, Handler<never>>>;
  readonly existenceCheck?: (ctx: HandlerContext<never>) => Promise<boolean>;
  readonly sudo?: boolean | readonly Operation[];
  readonly unauthenticated?: boolean;
  readonly summary?: string;
  readonly freeForm?: boolean;
  readonly loginAccount?: (ctx: HandlerContext<never>) => string | undefined;
  readonly login?: boolean;
  readonly pureReads?: boolean;
}

/** Whether `operation` on a path declared with `spec` needs sudo (see PathSpec.sudo). */
export function needsSudo(spec: Pick<AnyPathSpec, 'sudo'>, operation: Operation): boolean {
  const sudo = spec.sudo;
  if (sudo === undefined || sudo === false) return false;
  if (sudo === true) return true;
  // A write the existence check turned into create is still the listed update.
  return sudo.includes(operation) || (operation === 'create' && sudo.includes('update'));
}

/** Declares a path; the field table's inferred type reaches every handler. */
export function definePath<F extends FieldMap>(spec: PathSpec<F>): AnyPathSpec {
  return spec as unknown as AnyPathSpec;
}
