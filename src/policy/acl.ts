// src/policy — Acl: the authorisation decision for one token, built by compileAcl (the
// union of its policies) or rootAcl(). Contract: check() decides a request the way Vault's
// ACL does — an exact pattern first (for `list`, also the path without its trailing "/"),
// then the highest-priority `*`/`+` pattern; for `list` of "x/" the `*`/`+` patterns matching
// "x" or "x/" are weighed together (below); the matched
// rule's capabilities must include the operation; wrapping TTL bounds and, for create, read,
// update and patch, parameter rules apply. No matching rule means deny. check() runs on every
// request: it allocates only its result object.
import type { AclPermissions } from './acl-permissions.js';
import { CAPABILITY_BIT, DENY_ONLY } from './capability-bits.js';
import { checkParameters } from './check-parameters.js';
import type { RankedRule, RuleIndex } from './rule-index.js';

export type AclOperation = 'create' | 'read' | 'update' | 'patch' | 'delete' | 'list';

export interface AclRequest {
  readonly path: string;
  readonly operation: AclOperation;
  readonly data?: Readonly<Record<string, unknown>>;
  /** The response-wrapping TTL the request asks for, in seconds (absent = not wrapped). */
  readonly wrapTtl?: number;
}

export interface AclResult {
  readonly allowed: boolean;
  /** The matched rule grants sudo (needed by root-protected endpoints). */
  readonly rootPrivs: boolean;
  /** Capabilities of the matched rule, sorted; ["deny"] when none; ["root"] for the root ACL. */
  readonly capabilities: readonly string[];
}

const ROOT_CAPABILITIES: readonly string[] = Object.freeze(['root']);
const ROOT_RESULT: AclResult = Object.freeze({ allowed: true, rootPrivs: true, capabilities: ROOT_CAPABILITIES });
const NO_MATCH: AclResult = Object.freeze({ allowed: false, rootPrivs: false, capabilities: DENY_ONLY });
const PARAMETER_CHECKED: ReadonlySet<AclOperation> = new Set(['create', 'read', 'update', 'patch']);

const isDeny = (p: AclPermissions): boolean => (p.bits & CAPABILITY_BIT.deny) !== 0;
const grantsList = (p: AclPermissions): boolean => (p.bits & CAPABILITY_BIT.list) !== 0;

function higher(a: RankedRule | undefined, b: RankedRule | undefined): RankedRule | undefined {
  if (a === undefined) return b;
  return b === undefined || a.rank >= b.rank ? a : b;
}

/**
 * LIST of "x/" with no exact rule for "x/" or "x" (Vault's resolveACLPermsForListOp, the fix
 * for GHSA-xp3c-3jw3-4vcr): the `*`/`+` patterns matching "x" (so `kv/+` lists `kv/a/`) and
 * those matching "x/" (so a deny on `kv/a/*` is seen) are weighed together. The most
 * specific deny wins unless a more specific pattern grants list; else the most specific
 * list grant; else the most specific match. Matching "x" alone first (the earlier rule) let
 * `foo/*` list `foo/private/` past a deny on `foo/private/*`.
 */
function listLookup(index: RuleIndex, trimmed: string, full: string): AclPermissions | undefined {
  const deny = higher(index.nonExactRanked(trimmed, isDeny), index.nonExactRanked(full, isDeny));
  const lister = higher(index.nonExactRanked(trimmed, grantsList), index.nonExactRanked(full, grantsList));
  if (deny !== undefined && (lister === undefined || lister.rank < deny.rank)) return deny.permissions;
  if (lister !== undefined) return lister.permissions;
  return higher(index.nonExactRanked(trimmed), index.nonExactRanked(full))?.permissions;
}

function withinWrapping(perms: AclPermissions, wrapTtl: number | undefined): boolean {
  if (perms.maxWrappingTtl > 0 && (wrapTtl === undefined || wrapTtl > perms.maxWrappingTtl)) return false;
  if (perms.minWrappingTtl > 0 && (wrapTtl === undefined || wrapTtl < perms.minWrappingTtl)) return false;
  // Merging several policies can produce an impossible window; it then allows nothing.
  return !(perms.minWrappingTtl > 0 && perms.maxWrappingTtl > 0 && perms.maxWrappingTtl < perms.minWrappingTtl);
}

export class Acl {
  /** `index` undefined = the root ACL, which allows everything with sudo. */
  constructor(private readonly index: RuleIndex | undefined) {}

  get isRoot(): boolean {
    return this.index === undefined;
  }

  private lookup(rawPath: string, list: boolean): AclPermissions | undefined {
    const index = this.index as RuleIndex;
    let path = rawPath;
    while (path.startsWith('/')) path = path.slice(1);
    const exact = index.exactMatch(path);
    if (exact !== undefined) return exact;
    const slash = path.endsWith('/');
    if (list && slash) {
      const trimmed = path.slice(0, -1);
      return index.exactMatch(trimmed) ?? listLookup(index, trimmed, path);
    }
    return index.nonExactMatch(path);
  }

  check(request: AclRequest): AclResult {
    if (this.index === undefined) return ROOT_RESULT;
    const perms = this.lookup(request.path, request.operation === 'list');
    if (perms === undefined) return NO_MATCH;
    const rootPrivs = (perms.bits & CAPABILITY_BIT.sudo) !== 0;
    const allowed =
      (perms.bits & CAPABILITY_BIT[request.operation]) !== 0 &&
      withinWrapping(perms, request.wrapTtl) &&
      (!PARAMETER_CHECKED.has(request.operation) || checkParameters(perms, request.data));
    return { allowed, rootPrivs, capabilities: perms.capabilities };
  }

  /**
   * Whether any rule grants something (not deny) at or below `prefix` — Vault's test for
   * showing a mount to a token (sys/internal/ui/mounts/:path): a pattern inside the mount, or
   * a glob whose literal part already covers it ("secret*", "+/data/x" for any mount).
   * Walks every pattern: for rare administrative questions, not the request path.
   */
  hasAccessUnder(prefix: string): boolean {
    if (this.index === undefined) return true;
    for (const [pattern, perms] of this.index.patterns) {
      if (perms.bits === 0 || (perms.bits & CAPABILITY_BIT.deny) !== 0) continue;
      if (pattern.startsWith(prefix)) return true;
      const wild = pattern.search(/[*+]/);
      if (wild !== -1 && prefix.startsWith(pattern.slice(0, wild))) return true;
    }
    return false;
  }

  /** The answer of sys/capabilities for `path` (looked up with list's fallbacks, as Vault does). */
  capabilities(path: string): string[] {
    if (this.index === undefined) return [...ROOT_CAPABILITIES];
    return [...(this.lookup(path, true)?.capabilities ?? DENY_ONLY)];
  }
}
