// src/framework — serves one Backend's path table: matches the relative path (first
// declared pattern wins, as in Vault), coerces fields with the path's schema, picks the
// operation's handler and calls it with the mount-scoped context. The core calls this after
// authorisation; nothing here knows about tokens, ACLs, leases or HTTP.
import { ArcaError } from '../lib/errors.js';
import type { Backend, BackendEnv } from './backend.js';
import type { LogicalRequest, LogicalResponse, Operation } from './logical.js';
import type { AnyPathSpec, HandlerContext } from './path-spec.js';

interface CompiledPath {
  readonly spec: AnyPathSpec;
  readonly regex: RegExp;
}

export interface PathMatch {
  readonly spec: AnyPathSpec;
  readonly captures: Readonly<Record<string, string>>;
}

export class BackendHandler {
  readonly backend: Backend;
  readonly env: BackendEnv;
  private readonly compiled: readonly CompiledPath[];

  constructor(backend: Backend, env: BackendEnv) {
    this.backend = backend;
    this.env = env;
    this.compiled = backend.paths.map((spec) => ({ spec, regex: new RegExp(`^(?:${spec.pattern})$`, 'u') }));
  }

  match(relativePath: string): PathMatch | undefined {
    for (const { spec, regex } of this.compiled) {
      const m = regex.exec(relativePath);
      if (m) return { spec, captures: { ...(m.groups ?? {}) } };
    }
    return undefined;
  }

  /** Whether a write to this path targets an existing item; undefined when the path has no check. */
  async exists(req: LogicalRequest, matched?: PathMatch): Promise<boolean | undefined> {
    const m = matched ?? this.match(req.relativePath);
    if (!m || !m.spec.existenceCheck) return undefined;
    return m.spec.existenceCheck(this.context(req, m));
  }

  /** `matched` is the result of `match(req.relativePath)` when the caller already has it. */
  /** The login account named by the request (see PathSpec.loginAccount), if the path has one. */
  loginAccount(req: LogicalRequest, matched?: PathMatch): string | undefined {
    const m = matched ?? this.match(req.relativePath);
    if (!m?.spec.loginAccount) return undefined;
    try {
      return m.spec.loginAccount(this.context(req, m));
    } catch {
      return undefined; // bad fields: the handler will answer 400
    }
  }

  async handle(req: LogicalRequest, matched?: PathMatch): Promise<LogicalResponse | undefined> {
    const m = matched ?? this.match(req.relativePath);
    if (!m) throw new ArcaError('not_found', `unsupported path: ${JSON.stringify(req.path)}`);
    const handler = pickHandler(m.spec, req.operation);
    if (!handler) throw new ArcaError('method_not_allowed', 'unsupported operation');
    const ctx = this.context(req, m);
    const res = await handler(ctx);
    const ignored = m.spec.freeForm ? [] : unknownFields(m.spec, req.data);
    if (ignored.length > 0) {
      const warning = `Endpoint ignored these unrecognized parameters: [${ignored.join(' ')}]`;
      if (res) res.warnings = [...(res.warnings ?? []), warning];
    }
    return res;
  }

  private context(req: LogicalRequest, m: PathMatch): HandlerContext<never> {
    const values: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(m.spec.fields)) {
      const raw = name in m.captures ? m.captures[name] : req.data[name];
      values[name] = f.parse(raw, name);
    }
    return {
      req,
      fields: values as never,
      storage: this.env.storage,
      clock: this.env.clock,
      logger: this.env.logger,
    };
  }
}

function pickHandler(spec: AnyPathSpec, op: Operation): AnyPathSpec['operations'][Operation] {
  const ops = spec.operations;
  if (op === 'create') return ops.create ?? ops.update;
  if (op === 'update') return ops.update ?? ops.create;
  return ops[op];
}

function unknownFields(spec: AnyPathSpec, data: Record<string, unknown>): string[] {
  return Object.keys(data).filter((k) => !(k in spec.fields));
}
