// src/core/router — Vault's audited request headers (sys/config/auditing/request-headers):
// which request headers audit records carry in `request.headers`, and whether each value is
// HMAC'd. Kept above the barrier at sys/mount-table/audited-headers, beside the mount tables:
// a change is announced under that prefix, so every node reloads it with the mount tables
// (the core's invalidation of sys/mount-table/). Owned by the MountManager, which loads it
// on unseal; the audit record builder (core/audit-records.ts) reads it on every request.
import { ArcaError } from '../../lib/errors.js';
import type { Storage } from '../../storage/storage.js';

export interface AuditedHeaderSettings {
  readonly hmac: boolean;
}

export const AUDITED_HEADERS_KEY = 'sys/mount-table/audited-headers';

/**
 * Audited unless configured otherwise, values clear (Vault ≥ 1.17 does the same, so requests
 * can be correlated across systems). A configured entry of the same name wins.
 */
const DEFAULT_HEADERS: ReadonlyMap<string, AuditedHeaderSettings> = new Map([
  ['correlation-id', { hmac: false }],
  ['x-correlation-id', { hmac: false }],
]);

/**
 * Never audited, even when configured (accepted and listed, as Vault does): the caller's
 * token. Vault deletes X-Vault-Token from the request's headers once the token is resolved,
 * and Bearer values from Authorization (dropped by the record builder, since other
 * Authorization values stay, always HMAC'd).
 */
const NEVER_AUDITED = 'x-vault-token';

const MAX_HEADERS = 256;
const NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;

export class AuditedHeaders {
  private configured = new Map<string, AuditedHeaderSettings>();
  /** Configured + defaults, rebuilt on change: what a request is matched against. */
  private effective: ReadonlyMap<string, AuditedHeaderSettings> = DEFAULT_HEADERS;

  constructor(
    private readonly storage: Storage,
    private readonly onChange?: (keyPrefix: string) => void,
  ) {}

  async load(): Promise<void> {
    const raw = await this.storage.get(AUDITED_HEADERS_KEY);
    const stored = raw ? (JSON.parse(Buffer.from(raw).toString('utf8')) as Record<string, AuditedHeaderSettings>) : {};
    const next = new Map<string, AuditedHeaderSettings>();
    for (const [name, s] of Object.entries(stored)) next.set(name.toLowerCase(), { hmac: s.hmac === true });
    this.apply(next);
  }

  /** Configured headers (lower-case name → settings), without the defaults, as Vault lists them. */
  list(): Record<string, AuditedHeaderSettings> {
    return Object.fromEntries([...this.configured].map(([name, s]) => [name, { ...s }]));
  }

  get(name: string): AuditedHeaderSettings | undefined {
    const s = this.configured.get(name.toLowerCase());
    return s === undefined ? undefined : { ...s };
  }

  async set(name: string, settings: AuditedHeaderSettings): Promise<void> {
    const key = checkedName(name);
    if (!this.configured.has(key) && this.configured.size >= MAX_HEADERS) {
      throw new ArcaError('invalid_request', `at most ${MAX_HEADERS} request headers can be audited`);
    }
    const next = new Map(this.configured);
    next.set(key, { hmac: settings.hmac });
    await this.persist(next);
  }

  async remove(name: string): Promise<void> {
    const key = checkedName(name);
    if (!this.configured.has(key)) return;
    const next = new Map(this.configured);
    next.delete(key);
    await this.persist(next);
  }

  /** Headers to match each request against (configured ones and the defaults). */
  settings(): ReadonlyMap<string, AuditedHeaderSettings> {
    return this.effective;
  }

  private async persist(next: Map<string, AuditedHeaderSettings>): Promise<void> {
    await this.storage.put(AUDITED_HEADERS_KEY, Buffer.from(JSON.stringify(Object.fromEntries(next))));
    this.apply(next);
    this.onChange?.(AUDITED_HEADERS_KEY);
  }

  private apply(next: Map<string, AuditedHeaderSettings>): void {
    this.configured = next;
    const effective = new Map([...DEFAULT_HEADERS, ...next]);
    effective.delete(NEVER_AUDITED);
    this.effective = effective;
  }
}

function checkedName(name: string): string {
  if (!NAME_RE.test(name)) throw new ArcaError('invalid_request', 'header name must be 1-128 HTTP token characters');
  return name.toLowerCase();
}
