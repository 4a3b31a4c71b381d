// src/core/router — longest-prefix routing of API paths to mounted backends. Lookups are
// on the hot path: prefixes are kept in a Map and tried from the longest candidate down,
// segment by segment, so routing costs O(path segments), not O(mounts).
import type { BackendHandler } from '../../framework/backend-handler.js';
import { routePrefix } from './mount-entry.js';
import type { MountEntry } from './mount-entry.js';

export interface MountedBackend {
  readonly entry: MountEntry;
  readonly handler: BackendHandler;
}

export interface RouteMatch {
  readonly mount: MountedBackend;
  /** The API path prefix matched ("secret/", "auth/token/"). */
  readonly prefix: string;
  /** The rest of the path below the mount. */
  readonly relativePath: string;
}

export class Router {
  private readonly byPrefix = new Map<string, MountedBackend>();

  add(mount: MountedBackend): void {
    this.byPrefix.set(routePrefix(mount.entry), mount);
  }

  remove(prefix: string): MountedBackend | undefined {
    const m = this.byPrefix.get(prefix);
    this.byPrefix.delete(prefix);
    return m;
  }

  get(prefix: string): MountedBackend | undefined {
    return this.byPrefix.get(prefix);
  }

  /** Every mounted backend (for token-revocation hooks and lease revocation). */
  all(): MountedBackend[] {
    return [...this.byPrefix.values()];
  }

  byAccessor(accessor: string): MountedBackend | undefined {
    for (const m of this.byPrefix.values()) if (m.entry.accessor === accessor) return m;
    return undefined;
  }

  route(path: string): RouteMatch | undefined {
    // "secret/data/a" → try "secret/data/a/", "secret/data/", "secret/"; a path equal to a
    // mount without its trailing slash ("secret") routes to that mount too.
    let end = path.length;
    let candidate = path.endsWith('/') ? path : `${path}/`;
    for (;;) {
      const mount = this.byPrefix.get(candidate);
      if (mount) return { mount, prefix: candidate, relativePath: path.slice(Math.min(candidate.length, path.length)) };
      end = path.lastIndexOf('/', end - 1);
      if (end <= 0) return undefined;
      candidate = path.slice(0, end + 1);
    }
  }

  /** True when `prefix` overlaps an existing mount (one contains the other). */
  conflicts(prefix: string, except?: string): string | undefined {
    for (const existing of this.byPrefix.keys()) {
      if (existing === except) continue;
      if (existing.startsWith(prefix) || prefix.startsWith(existing)) return existing;
    }
    return undefined;
  }
}
