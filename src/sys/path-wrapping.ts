// src/sys — response-wrapping endpoints, as in Vault:
//   sys/wrapping/wrap    (update) wraps the request body; needs X-Vault-Wrap-TTL, the
//                        pipeline step (wrapCoreResponse) does the wrapping.
//   sys/wrapping/unwrap  (update, unauthenticated) the original response, once. The token
//                        is the body's `token` or the X-Vault-Token itself.
//   sys/wrapping/lookup  (update/read, unauthenticated) creation path, time and TTL.
//   sys/wrapping/rewrap  (update) the same payload behind a new token; old one revoked.
// Every failure about the token itself is 400 "wrapping token is not valid or does not
// exist", whatever the reason, so no answer tells a used token from a made-up one.
import { definePath } from '../framework/path-spec.js';
import type { AnyPathSpec } from '../framework/path-spec.js';
import { field } from '../framework/field.js';
import type { LogicalRequest, LogicalResponse } from '../framework/logical.js';
import { ArcaError } from '../lib/errors.js';
import type { WrappingManager } from '../core/wrapping/wrapping-manager.js';
import type { SystemContext } from './system-context.js';

const tokenField = { token: field.string().optional('the wrapping token (default: the request token)') };

/** The sys/wrapping/* path table on the running core's manager. */
export function wrappingSysPaths(ctx: SystemContext): AnyPathSpec[] {
  return wrappingPaths(() => ctx.core.wrapping);
}

/** The same table on any manager (tests build one over in-memory storage). */
export function wrappingPaths(manager: () => WrappingManager): AnyPathSpec[] {
  const lookup = async (token: string): Promise<LogicalResponse> => ({ data: { ...(await manager().lookup(token)) } });
  return [
    definePath({
      pattern: 'wrapping/wrap',
      fields: {},
      freeForm: true,
      summary: 'Response-wraps the request body.',
      operations: {
        update: async ({ req }) => {
          if (req.wrapTtl <= 0) throw new ArcaError('invalid_request', 'endpoint requires response wrapping to be used');
          return { data: { ...req.data } };
        },
      },
    }),
    definePath({
      pattern: 'wrapping/unwrap',
      fields: tokenField,
      unauthenticated: true,
      summary: 'Returns the wrapped response and spends the wrapping token.',
      operations: {
        update: async ({ req, fields }) => {
          const payload = await manager().unwrap(wrappingToken(req, fields.token));
          return { status: 200, raw: { contentType: 'application/json', body: JSON.stringify(payload) } };
        },
      },
    }),
    definePath({
      pattern: 'wrapping/lookup',
      fields: tokenField,
      unauthenticated: true,
      summary: 'Looks up a wrapping token without spending it.',
      operations: {
        update: ({ req, fields }) => lookup(wrappingToken(req, fields.token)),
        read: ({ req, fields }) => lookup(wrappingToken(req, fields.token)),
      },
    }),
    definePath({
      pattern: 'wrapping/rewrap',
      fields: tokenField,
      summary: 'Moves a wrapped response behind a new wrapping token.',
      operations: {
        update: async ({ req, fields }) => {
          const info = await manager().rewrap(wrappingToken(req, fields.token));
          manager().attach(req, info);
          return { data: {} };
        },
      },
    }),
  ];
}

/** The body's token, else the request's own token (the wrapping token used directly). */
function wrappingToken(req: LogicalRequest, bodyToken: string | undefined): string {
  const token = bodyToken !== undefined && bodyToken !== '' ? bodyToken : req.clientToken;
  if (token === '') throw new ArcaError('invalid_request', 'missing "token" value in input');
  return token;
}
