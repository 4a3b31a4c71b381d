// src/core — what the request pipeline hands back to the HTTP layer: the parts of Vault's
// response envelope (lease, auth, wrap info) already resolved, so http/ only renders.
import type { AuditWrapInfo } from '../audit/audit-entry.js';
import type { LogicalResponse } from '../framework/logical.js';

export interface AuthEnvelope {
  readonly client_token: string;
  readonly accessor: string;
  readonly policies: readonly string[];
  readonly token_policies: readonly string[];
  readonly identity_policies?: readonly string[];
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly lease_duration: number;
  readonly renewable: boolean;
  readonly entity_id: string;
  readonly token_type: 'service' | 'batch';
  readonly orphan: boolean;
  readonly num_uses: number;
  readonly mfa_requirement: unknown;
}

/** Vault's `wrap_info`: the same record the audit log carries (its token is HMAC'd there). */
export type WrapInfo = AuditWrapInfo;

/**
 * A handler response that already carries a minted token (the token backend, and
 * sys/mfa/validate finishing a parked login): the pipeline renders `tokenAuth` as the
 * envelope's `auth` instead of minting from `auth`.
 */
export type MintedAuthResponse = LogicalResponse & { tokenAuth?: AuthEnvelope };

export interface CoreResponse {
  /** Overrides the default status (200 with a body, 204 without). */
  readonly status?: number;
  readonly data?: Record<string, unknown> | undefined;
  readonly warnings?: readonly string[] | undefined;
  readonly leaseId?: string;
  readonly renewable?: boolean;
  readonly leaseDuration?: number;
  readonly auth?: AuthEnvelope;
  readonly wrapInfo?: WrapInfo;
  readonly mountType?: string;
  /** A body sent as it is, without the envelope (health, seal-status, metrics...). */
  readonly raw?: { readonly contentType: string; readonly body: string | Uint8Array };
}
