// src/core — builds the audit entries for one request and its response from the logical
// request and the final answer. Values are passed raw: each audit device HMACs every string
// that could be secret (src/audit/hash-audit-entry.ts) before anything is written.
// The `auth` and `request` blocks are built once per request (AuditBlocks) and the same
// objects go into both records, so a device serialises them once (audit-line-serializer.ts);
// they are frozen, as that reuse requires.
// What the configuration leaves clear travels with the blocks as `nonHmac` (see
// audit/audit-entry.ts): the routed mount's audit_non_hmac_*_keys and the audited headers
// configured with hmac=false. Only audited headers are copied into `request.headers`, and
// never the caller's token (X-Vault-Token, Authorization: Bearer), as Vault does.
import { randomUUID } from 'node:crypto';
import { formatAuditTime } from '../audit/audit-entry.js';
import { stampAuditBlock } from '../audit/audit-block-id.js';
import type { GrantEvent } from './identity/identity-store.js';
import type { AuditAuth, AuditEntry, AuditNonHmac, AuditRequest } from '../audit/audit-entry.js';
import type { ChainHead } from '../audit/audit-chain.js';
import type { MountEntry } from './router/mount-entry.js';
import type { AuditedHeaderSettings } from './router/audited-headers.js';
import type { LogicalRequest, RequestAuth } from '../framework/logical.js';
import type { CoreResponse } from './core-response.js';

/**
 * Audit `auth` blocks by the RequestAuth they were built from. The token store answers the
 * same frozen RequestAuth for every request of an unchanged token (TokenStore.toRequestAuth),
 * so a busy token's block is one object, which a device then serialises once (see
 * audit/audit-line-serializer.ts) instead of per record. Kept between requests, the block
 * carries no raw token (client_token ''): each record carries it as `authToken`, which lives
 * only as long as the record. Keying by the RequestAuth alone is exact: its storage key is
 * the HMAC of the one token it was found by.
 */
const authBlocks = new WeakMap<RequestAuth, AuditAuth>();

function auditAuth(req: LogicalRequest): AuditAuth | undefined {
  const a = req.auth;
  if (!a) return undefined;
  const known = authBlocks.get(a);
  if (known !== undefined) return known;
  // Vault's token_ttl is the token's granted TTL (te.TTL), not the time left.
  const block: AuditAuth = Object.freeze(stampAuditBlock({
    client_token: '',
    accessor: a.accessor,
    display_name: a.displayName,
    policies: a.policies,
    token_policies: a.tokenPolicies,
    metadata: a.metadata,
    entity_id: a.entityId,
    token_type: a.tokenType,
    token_ttl: a.ttl,
    ...(a.issueTime > 0 ? { token_issue_time: rfc3339Seconds(a.issueTime) } : {}),
  }));
  if (Object.isFrozen(a)) authBlocks.set(a, block);
  return block;
}

/** Vault writes token_issue_time as RFC 3339 in whole seconds ("2026-01-02T03:04:05Z"). */
function rfc3339Seconds(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** Where the record builder reads the audit configuration (the MountManager). */
export interface AuditConfigSource {
  entryAt(prefix: string): MountEntry | undefined;
  readonly auditedHeaders: { settings(): ReadonlyMap<string, AuditedHeaderSettings> };
}

interface AuditedRequestHeaders {
  readonly headers: Record<string, string[]>;
  /** Names configured with hmac=false. */
  readonly clear: string[];
}

/** The request's audited headers (names are lower-case in LogicalRequest already). */
function auditedHeaders(req: LogicalRequest, settings: ReadonlyMap<string, AuditedHeaderSettings>): AuditedRequestHeaders | undefined {
  let out: AuditedRequestHeaders | undefined;
  for (const [name, s] of settings) {
    const value = req.headers[name];
    if (value === undefined || name === 'x-vault-token') continue;
    // A Bearer value is the caller's token: Vault strips it and keeps any other value.
    if (name === 'authorization' && /^bearer\s/i.test(value)) continue;
    out ??= { headers: {}, clear: [] };
    out.headers[name] = [value];
    // Other Authorization values (Basic credentials) are HMAC'd whatever the setting says.
    if (!s.hmac && name !== 'authorization') out.clear.push(name);
  }
  return out;
}

function nonEmpty(keys: readonly string[] | undefined): readonly string[] | undefined {
  return keys !== undefined && keys.length > 0 ? keys : undefined;
}

function nonHmacOf(entry: MountEntry | undefined, headers: AuditedRequestHeaders | undefined): AuditNonHmac | undefined {
  const requestKeys = nonEmpty(entry?.config.audit_non_hmac_request_keys);
  const responseKeys = nonEmpty(entry?.config.audit_non_hmac_response_keys);
  const requestHeaders = headers !== undefined && headers.clear.length > 0 ? headers.clear : undefined;
  if (requestKeys === undefined && responseKeys === undefined && requestHeaders === undefined) return undefined;
  return Object.freeze({
    ...(requestKeys ? { requestKeys } : {}),
    ...(responseKeys ? { responseKeys } : {}),
    ...(requestHeaders ? { requestHeaders } : {}),
  });
}

function auditRequest(req: LogicalRequest, headers: AuditedRequestHeaders | undefined): AuditRequest {
  return {
    id: req.id,
    operation: req.operation,
    path: req.path,
    mount_point: req.mountPoint,
    mount_type: req.mountType,
    mount_accessor: req.mountAccessor,
    client_token: req.clientToken,
    client_token_accessor: req.auth?.accessor ?? '',
    remote_address: req.remoteAddress,
    data: req.data,
    ...(headers !== undefined ? { headers: headers.headers } : {}),
    ...(req.wrapTtl > 0 ? { wrap_ttl: req.wrapTtl } : {}),
  };
}

/** The caller and the request as authorised: shared by the request's two records. */
export interface AuditBlocks {
  readonly auth?: AuditAuth;
  /** The caller's raw token for `auth` (see AuditEntry.authToken); set with `auth`. */
  readonly authToken?: string;
  readonly request: AuditRequest;
  /** What both records leave clear (see AuditNonHmac); absent when nothing is. */
  readonly nonHmac?: AuditNonHmac;
}

/**
 * Takes the blocks from `req` once its token, operation and mount are settled. `config`
 * (absent while sealed) supplies the routed mount's non-HMAC keys and the audited headers.
 */
export function auditBlocks(req: LogicalRequest, config?: AuditConfigSource): AuditBlocks {
  const auth = auditAuth(req);
  const headers = config === undefined ? undefined : auditedHeaders(req, config.auditedHeaders.settings());
  const request = Object.freeze(stampAuditBlock(auditRequest(req, headers)));
  const nonHmac = nonHmacOf(config?.entryAt(req.mountPoint), headers);
  return {
    ...(auth ? { auth, authToken: req.clientToken } : {}),
    request,
    ...(nonHmac ? { nonHmac } : {}),
  };
}

export function requestRecord(blocks: AuditBlocks, now: number, error?: string): AuditEntry {
  return {
    type: 'request',
    time: formatAuditTime(now),
    ...(blocks.auth ? { auth: blocks.auth } : {}),
    request: blocks.request,
    ...(error ? { error } : {}),
    ...(blocks.nonHmac ? { nonHmac: blocks.nonHmac } : {}),
    ...(blocks.authToken !== undefined ? { authToken: blocks.authToken } : {}),
  };
}

export function responseRecord(blocks: AuditBlocks, req: LogicalRequest, now: number, res: CoreResponse | undefined, error?: string, status?: number): AuditEntry {
  const response = res
    ? {
        ...(status !== undefined ? { status } : {}),
        mount_type: req.mountType,
        ...(res.data !== undefined ? { data: res.data } : {}),
        ...(res.leaseId ? { secret: { lease_id: res.leaseId } } : {}),
        ...(res.auth
          ? {
              auth: {
                client_token: res.auth.client_token,
                accessor: res.auth.accessor,
                display_name: '',
                policies: res.auth.policies,
                token_policies: res.auth.token_policies,
                metadata: res.auth.metadata,
                entity_id: res.auth.entity_id,
                token_type: res.auth.token_type,
                lease_duration: res.auth.lease_duration,
                renewable: res.auth.renewable,
              },
            }
          : {}),
        ...(res.wrapInfo ? { wrap_info: res.wrapInfo } : {}),
        ...(res.warnings ? { warnings: res.warnings } : {}),
      }
    : status !== undefined
      ? { status }
      : undefined;
  return {
    type: 'response',
    time: formatAuditTime(now),
    ...(blocks.auth ? { auth: blocks.auth } : {}),
    request: blocks.request,
    ...(response ? { response } : {}),
    ...(error ? { error } : {}),
    ...(blocks.nonHmac ? { nonHmac: blocks.nonHmac } : {}),
    ...(blocks.authToken !== undefined ? { authToken: blocks.authToken } : {}),
  };
}

/**
 * A record of the server's own event (no caller): a request record on `path` whose details
 * are in the auth block's `display_name`, `policies` and `metadata`, fields audit devices
 * keep in clear, so an operator reads them without a key.
 */
interface SystemEvent {
  readonly displayName: string;
  readonly policies: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly entityId: string;
  readonly path: string;
  readonly mountType: string;
  readonly error?: string;
}

function systemEventRecord(e: SystemEvent, now: number): AuditEntry {
  return {
    type: 'request',
    time: formatAuditTime(now),
    auth: {
      client_token: '',
      accessor: '',
      display_name: e.displayName,
      policies: e.policies,
      token_policies: [],
      metadata: e.metadata,
      entity_id: e.entityId,
      token_type: 'service',
      token_ttl: 0,
    },
    request: {
      id: randomUUID(),
      operation: 'update',
      path: e.path,
      mount_type: e.mountType,
      client_token: '',
      client_token_accessor: '',
      remote_address: '',
    },
    ...(e.error !== undefined ? { error: e.error } : {}),
  };
}

/**
 * A temporary access grant event (see Core.auditGrantEvent): when a grant was given, first
 * used, expired or revoked, with its policies and terms.
 */
export function grantRecord(event: GrantEvent, now: number): AuditEntry {
  const g = event.grant;
  return systemEventRecord(
    {
      displayName: `temporary-grant-${event.kind}`,
      policies: g.policies,
      metadata: {
        event: event.kind,
        grant_id: g.id,
        target: g.target,
        target_id: g.targetId,
        until: new Date(g.until).toISOString(),
        reason: g.reason,
        granted_by: g.grantedBy,
      },
      entityId: g.target === 'entity' ? g.targetId : '',
      path: `identity/access/grant/${g.id}/${event.kind}`,
      mountType: 'identity',
    },
    now,
  );
}

/** What the core found at unseal: a file device's log ends before its stored checkpoint. */
export interface AuditLogCut {
  /** The device's audit path, e.g. `file/`. */
  readonly path: string;
  readonly filePath: string;
  /** The stored checkpoint: where the chain stood when last saved. */
  readonly expected: ChainHead;
  /** Where the file's chain ends now. */
  readonly found: ChainHead;
}

/**
 * A cut-off audit log is recorded in the device it concerns: a request record on
 * `sys/audit-checkpoint/<path>`, its details in `auth.metadata` and `error` (both written
 * clear), so it reads like any other record and `arca audit verify` checks it with the rest.
 */
export function auditLogCutRecord(cut: AuditLogCut, now: number): AuditEntry {
  return systemEventRecord(
    {
      displayName: 'audit-log-cut',
      policies: [],
      metadata: {
        event: 'audit_log_cut',
        audit_path: cut.path,
        file_path: cut.filePath,
        expected_seq: String(cut.expected.seq),
        expected_hash: cut.expected.hash,
        found_seq: String(cut.found.seq),
        found_hash: cut.found.hash,
      },
      entityId: '',
      path: `sys/audit-checkpoint/${cut.path.replace(/\/+$/, '')}`,
      mountType: 'system',
      error:
        `audit log cut while the server was down: the chain had reached seq ${cut.expected.seq} (hash ${cut.expected.hash}) ` +
        `but the file ends at seq ${cut.found.seq} (hash ${cut.found.hash})`,
    },
    now,
  );
}
