// src/lib — the bottom layer. ArcaError is the one error type the pipeline classifies;
// every expected failure carries a code from the closed set below, and ERROR_STATUS is the
// only table from code to HTTP status (src/http renders Vault's {"errors":[...]} from it).

export const ERROR_STATUS = {
  invalid_request: 400,
  permission_denied: 403,
  not_found: 404,
  method_not_allowed: 405,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  sealed: 503,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ArcaErrorOptions {
  /** Extra messages after the first (Vault returns several for some validation failures). */
  readonly more?: readonly string[];
  /** The `data` of a response envelope sent with the error status (e.g. KV v2's deleted version: 404 with its metadata). */
  readonly data?: Record<string, unknown>;
  readonly cause?: unknown;
}

/**
 * An expected, classified failure. `message` is shown to the caller verbatim, so it must
 * never contain a secret value, token or connection string. An empty message renders as
 * `{"errors":[]}` (Vault's answer for a missing key).
 */
export class ArcaError extends Error {
  readonly code: ErrorCode;
  readonly more: readonly string[];
  readonly data: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: ArcaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ArcaError';
    this.code = code;
    this.more = options.more ?? [];
    this.data = options.data;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** The `errors` array of Vault's error body. */
  get errors(): string[] {
    return this.message === '' ? [...this.more] : [this.message, ...this.more];
  }
}

export function isArcaError(err: unknown): err is ArcaError {
  return err instanceof ArcaError;
}

export const badRequest = (message: string): ArcaError => new ArcaError('invalid_request', message);
export const forbidden = (): ArcaError => new ArcaError('permission_denied', 'permission denied');
export const notFound = (message = ''): ArcaError => new ArcaError('not_found', message);
