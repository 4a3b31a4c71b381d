// src/sys — sys/mfa/validate (Vault's second step of a login under MFA): unauthenticated,
// takes the mfa_request_id of a parked login and the passcodes per method, and on success
// hands the parked payload to `complete`, which the core supplies to finish the login
// (mint the token and answer with Vault's auth envelope).
import { ArcaError } from '../lib/errors.js';
import { definePath } from '../framework/path-spec.js';
import type { AnyPathSpec } from '../framework/path-spec.js';
import { field } from '../framework/field.js';
import type { LogicalResponse } from '../framework/logical.js';
import type { MfaManager } from '../core/mfa/mfa-manager.js';
import type { MfaPayload } from '../core/mfa/mfa-requirement.js';

export interface MfaSysDeps {
  /** The login-MFA manager (a getter: it may be built after the sys backend). */
  readonly mfa: () => MfaManager;
  /** Finishes a login from the payload parked by MfaManager.startPending. */
  complete(payload: unknown): Promise<LogicalResponse>;
}

const MAX_METHODS = 16;
const MAX_CODES = 4;
const MAX_CODE_LENGTH = 64;

/** mfa_payload: `{ <method id or name>: [passcode, ...] }`; a lone string is taken as one passcode. */
function parsePayload(raw: Record<string, unknown>): MfaPayload {
  const entries = Object.entries(raw);
  if (entries.length === 0) throw new ArcaError('invalid_request', 'missing mfa_payload');
  if (entries.length > MAX_METHODS) throw new ArcaError('invalid_request', `mfa_payload may name at most ${MAX_METHODS} methods`);
  const out: Record<string, string[]> = {};
  for (const [method, value] of entries) {
    const list = typeof value === 'string' ? [value] : value;
    const valid =
      Array.isArray(list) &&
      list.length <= MAX_CODES &&
      list.every((c): c is string => typeof c === 'string' && c.length <= MAX_CODE_LENGTH);
    // The message names the method only: the value may be a passcode.
    if (!valid) throw new ArcaError('invalid_request', `invalid mfa_payload entry for method ${JSON.stringify(method.slice(0, 128))}`);
    out[method] = list;
  }
  return out;
}

export function mfaSysPaths(deps: MfaSysDeps): AnyPathSpec[] {
  return [
    definePath({
      pattern: 'mfa/validate',
      fields: {
        mfa_request_id: field.string().required('The request id returned in auth.mfa_requirement'),
        mfa_payload: field.map().required('Passcodes per MFA method id'),
      },
      unauthenticated: true,
      operations: {
        update: async ({ fields }) => {
          const payload = await deps.mfa().validatePending(fields.mfa_request_id.trim(), parsePayload(fields.mfa_payload));
          return deps.complete(payload);
        },
      },
      summary: 'Validates the MFA passcodes of a pending login and completes it',
    }),
  ];
}
