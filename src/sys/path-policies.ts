// src/sys — ACL policy endpoints: sys/policies/acl[/:name] and the legacy sys/policy[/:name]
// (node-vault and older clients still use it), plus sys/capabilities{,-self,-accessor}.
import { definePath } from '../framework/path-spec.js';
import type { AnyPathSpec } from '../framework/path-spec.js';
import { field } from '../framework/field.js';
import { ArcaError } from '../lib/errors.js';
import type { Acl } from '../policy/acl.js';
import type { SystemContext } from './system-context.js';

const MAX_PATHS = 256;

export function policyPaths(ctx: SystemContext): AnyPathSpec[] {
  const store = (): typeof ctx.core.policies => ctx.core.policies;
  return [
    definePath({
      pattern: 'policies/acl/?',
      fields: {},
      operations: { list: async () => ({ data: { keys: await store().list() } }) },
    }),
    definePath({
      pattern: 'policies/acl/(?<name>[^/]+)',
      fields: { name: field.string().required(), policy: field.string().optional() },
      operations: {
        read: async ({ fields }) => {
          const text = await store().read(fields.name);
          return text === undefined ? undefined : { data: { name: fields.name.toLowerCase(), policy: text } };
        },
        update: async ({ fields }) => {
          // Vault refuses empty text too (policy.Raw == ""), never storing an empty policy.
          if (fields.policy === undefined || fields.policy === '') throw new ArcaError('invalid_request', "'policy' parameter not supplied or empty");
          await store().write(fields.name, decodeMaybeBase64(fields.policy));
          return undefined;
        },
        delete: async ({ fields }) => { await store().delete(fields.name); return undefined; },
      },
    }),
    definePath({
      pattern: 'policy/?',
      fields: {},
      operations: {
        read: async () => {
          const keys = await store().list();
          return { data: { keys, policies: keys } };
        },
      },
    }),
    definePath({
      pattern: 'policy/(?<name>[^/]+)',
      fields: { name: field.string().required(), policy: field.string().optional(), rules: field.string().optional() },
      operations: {
        read: async ({ fields }) => {
          const text = await store().read(fields.name);
          return text === undefined ? undefined : { data: { name: fields.name.toLowerCase(), rules: text } };
        },
        update: async ({ fields }) => {
          // An empty `policy` falls back to `rules`, as Vault's legacy route does.
          const text = fields.policy || fields.rules;
          if (text === undefined || text === '') throw new ArcaError('invalid_request', "'policy' parameter not supplied or empty");
          await store().write(fields.name, decodeMaybeBase64(text));
          return undefined;
        },
        delete: async ({ fields }) => { await store().delete(fields.name); return undefined; },
      },
    }),
    definePath({
      pattern: 'capabilities',
      fields: { token: field.string().required(), path: field.strings().optional(), paths: field.strings().optional() },
      operations: {
        update: async ({ fields }) => {
          const entry = await ctx.core.tokens.lookup(fields.token);
          if (!entry) throw new ArcaError('invalid_request', 'invalid token');
          return capabilities((await ctx.core.effectiveAcl(entry)).acl, fields.paths ?? fields.path);
        },
      },
    }),
    definePath({
      pattern: 'capabilities-self',
      fields: { path: field.strings().optional(), paths: field.strings().optional() },
      operations: {
        update: async ({ req, fields }) => {
          // The caller's own ACL, as the pipeline built it to let this request in (a one-use
          // token is still in flight here).
          const entry = req.auth ? await ctx.core.tokens.lookupByKey(req.auth.tokenKey, { inFlight: true }) : undefined;
          if (!entry) throw new ArcaError('permission_denied', 'permission denied');
          return capabilities((await ctx.core.effectiveAcl(entry)).acl, fields.paths ?? fields.path);
        },
      },
    }),
    definePath({
      pattern: 'capabilities-accessor',
      fields: { accessor: field.string().required(), path: field.strings().optional(), paths: field.strings().optional() },
      operations: {
        update: async ({ fields }) => {
          const entry = await ctx.core.tokens.lookupAccessor(fields.accessor);
          if (!entry) throw new ArcaError('invalid_request', 'invalid accessor');
          return capabilities((await ctx.core.effectiveAcl(entry)).acl, fields.paths ?? fields.path);
        },
      },
    }),
  ];
}

/**
 * Capabilities of `acl` on each path. For another token (sys/capabilities, -accessor) the ACL
 * is the one it acts with, identity policies included (Vault's Core.Capabilities).
 */
function capabilities(acl: Acl, paths: string[] | undefined): { data: Record<string, unknown> } {
  if (!paths || paths.length === 0) throw new ArcaError('invalid_request', '"paths" must be provided');
  if (paths.length > MAX_PATHS) throw new ArcaError('invalid_request', `at most ${MAX_PATHS} paths per request`);
  const data: Record<string, unknown> = {};
  const all: string[] = [];
  for (const p of paths) {
    const caps = acl.capabilities(p.replace(/^\/+/, ''));
    data[p] = caps;
    all.push(...caps);
  }
  // Vault also returns `capabilities` for the single-path form.
  if (paths.length === 1) data['capabilities'] = [...new Set(all)].sort();
  return { data };
}

/** The CLI may send policy text base64-encoded (Vault accepts both). */
function decodeMaybeBase64(text: string): string {
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0 && text.length > 8) {
    const decoded = Buffer.from(text, 'base64').toString('utf8');
    if (/path\s*"|^\s*\{/.test(decoded)) return decoded;
  }
  return text;
}
