// src/http — the HTTP-facing request handler: HttpInput → LogicalRequest → core →
// HttpOutput. It never throws: every failure is rendered as Vault's error body, and an
// unexpected one is logged (without request data) and answered with a bare 500.
import { isArcaError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { LogicalRequest } from '../framework/logical.js';
import type { CoreResponse } from '../core/core-response.js';
import type { HttpInput, HttpOutput } from './http-exchange.js';
import { parseRequest } from './parse-request.js';
import { renderError, renderSuccess } from './render-response.js';
import { injectsDataAtTopLevel } from './top-level-data-routes.js';

export interface RequestProcessor {
  handle(req: LogicalRequest): Promise<CoreResponse | undefined>;
}

export interface ApiObserver {
  /** Called once per request after the answer is ready (metrics, access log). */
  observe(sample: { method: string; path: string; status: number; durationMs: number; requestId: string }): void;
}

export type ApiHandler = (input: HttpInput) => Promise<HttpOutput>;

export function createApiHandler(core: RequestProcessor, logger: Logger, observer?: ApiObserver): ApiHandler {
  return async (input) => {
    const started = performance.now();
    let requestId = '';
    let path = '';
    let out: HttpOutput;
    try {
      const req = parseRequest(input);
      requestId = req.id;
      path = req.path;
      out = renderSuccess(req.id, await core.handle(req), { topLevelData: injectsDataAtTopLevel(req.path) });
    } catch (err) {
      if (!isArcaError(err) || err.status >= 500) {
        logger.error({ requestId, path, err: describe(err) }, 'request failed');
      }
      out = renderError(err, requestId);
    }
    if (input.method === 'HEAD') out = { ...out, body: '' };
    const durationMs = performance.now() - started;
    observer?.observe({ method: input.method, path, status: out.status, durationMs, requestId });
    // Access log: ids, path and status only (paths name secrets, never hold their values).
    // Successes at debug so the default level costs one comparison per request.
    if (out.status < 500) {
      const line = { requestId, method: input.method, path, status: out.status, durationMs: Math.round(durationMs * 1000) / 1000 };
      if (out.status < 400) logger.debug(line, 'request');
      else logger.info(line, 'request');
    }
    return out;
  };
}

/** Error class and code only: a message could quote request data. */
function describe(err: unknown): Record<string, unknown> {
  if (isArcaError(err)) return { code: err.code, message: err.message };
  if (err instanceof Error) return { type: err.name, stack: err.stack?.split('\n').slice(1, 6).join('\n') };
  return { type: typeof err };
}
