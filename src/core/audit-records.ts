// src/core — builds the audit entries for one request and its response from the logical
// request and the final answer. Values are passed raw: each audit device HMACs every string
// that could be secret (src/audit/hash-audit-entry.ts) before anything is written.
// The `auth` and `request` blocks are built once per request (AuditBlocks) and the same
// objects go into both records, so a device serialises them once (audit-line-serializer.ts);
// they are frozen, as that reuse requires.
import { randomUUID } from 'node:crypto';
import { formatAuditTime } from '../audit/audit-entry.js';
import type { GrantEvent } from './identity/identity-store.js';
import type { AuditAuth, AuditEntry, AuditRequest } from '../audit/audit-entry.js';
import type { LogicalRequest } from '../framework/logical.js';
import type { CoreResponse } from './core-response.js';

function auditAuth(req: LogicalRequest): AuditAuth | undefined {
  const a = req.auth;
  if (!a) return undefined;
  return {
    client_token: req.clientToken,
    accessor: a.accessor,
    display_name: a.displayName,
    policies: a.policies,
    token_policies: a.tokenPolicies,
    metadata: a.metadata,
    entity_id: a.entityId,
    token_type: a.tokenType,
    token_ttl: a.ttl,
  };
}

function auditRequest(req: LogicalRequest): AuditRequest {
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
    ...(req.wrapTtl > 0 ? { wrap_ttl: req.wrapTtl } : {}),
  };
}

/** The caller and the request as authorised: shared by the request's two records. */
export interface AuditBlocks {
  readonly auth?: AuditAuth;
  readonly request: AuditRequest;
}

/** Takes the blocks from `req` once its token and operation are settled. */
export function auditBlocks(req: LogicalRequest): AuditBlocks {
  const auth = auditAuth(req);
  const request = Object.freeze(auditRequest(req));
  return auth ? { auth: Object.freeze(auth), request } : { request };
}

export function requestRecord(blocks: AuditBlocks, now: number, error?: string): AuditEntry {
  return {
    type: 'request',
    time: formatAuditTime(now),
    ...(blocks.auth ? { auth: blocks.auth } : {}),
    request: blocks.request,
    ...(error ? { error } : {}),
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
  };
}

/**
 * A temporary access grant event (see Core.auditGrantEvent). The event, the policies and the
 * grant's terms are in fields audit devices keep in clear (the path and the auth block), so
 * an operator can read when a grant was given, first used, expired or revoked.
 */
export function grantRecord(event: GrantEvent, now: number): AuditEntry {
  const g = event.grant;
  return {
    type: 'request',
    time: formatAuditTime(now),
    auth: {
      client_token: '',
      accessor: '',
      display_name: `temporary-grant-${event.kind}`,
      policies: g.policies,
      token_policies: [],
      metadata: {
        event: event.kind,
        grant_id: g.id,
        target: g.target,
        target_id: g.targetId,
        until: new Date(g.until).toISOString(),
        reason: g.reason,
        granted_by: g.grantedBy,
      },
      entity_id: g.target === 'entity' ? g.targetId : '',
      token_type: 'service',
      token_ttl: 0,
    },
    request: {
      id: randomUUID(),
      operation: 'update',
      path: `identity/access/grant/${g.id}/${event.kind}`,
      mount_type: 'identity',
      client_token: '',
      client_token_accessor: '',
      remote_address: '',
    },
  };
}
