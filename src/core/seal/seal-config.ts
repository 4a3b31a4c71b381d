// src/core/seal — the seal configuration stored as plaintext JSON at `core/seal-config`
// (readable while sealed: status needs t and n before any key is known). Validation mirrors
// Vault's SealConfig.Validate messages so clients see the same errors.
import { ArcaError } from '../../lib/errors.js';

export type SealType = 'shamir' | 'keyfile';

export interface SealConfig {
  readonly type: SealType;
  /** Shamir shares (n); 0 for the key-file seal, which has no shares. */
  readonly secret_shares: number;
  /** Shamir threshold (t); 0 for the key-file seal. */
  readonly secret_threshold: number;
}

export interface ShareRequest {
  readonly secret_shares: number;
  readonly secret_threshold: number;
}

/** Throws ArcaError('invalid_request') with Vault's wording when `req` is not a valid split. */
export function validateShareRequest(req: ShareRequest): void {
  const { secret_shares: n, secret_threshold: t } = req;
  const fail = (message: string): never => {
    throw new ArcaError('invalid_request', `invalid seal configuration: ${message}`);
  };
  if (!Number.isInteger(n) || !Number.isInteger(t)) fail('shares and threshold must be integers');
  if (n < 1) fail('shares must be at least one');
  if (t < 1) fail('threshold must be at least one');
  if (n > 1 && t === 1) fail('threshold must be greater than one for multiple shares');
  if (n > 255) fail('shares must be less than 256');
  if (t > 255) fail('threshold must be less than 256');
  if (t > n) fail('threshold cannot be larger than shares');
}

export function encodeSealConfig(config: SealConfig): Buffer {
  return Buffer.from(JSON.stringify(config), 'utf8');
}

export function decodeSealConfig(bytes: Uint8Array): SealConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const c = parsed as Partial<SealConfig> | null | undefined;
  if (
    c === null ||
    typeof c !== 'object' ||
    (c.type !== 'shamir' && c.type !== 'keyfile') ||
    typeof c.secret_shares !== 'number' ||
    typeof c.secret_threshold !== 'number'
  ) {
    throw new ArcaError('internal', 'seal: the stored seal configuration is malformed');
  }
  return { type: c.type, secret_shares: c.secret_shares, secret_threshold: c.secret_threshold };
}
