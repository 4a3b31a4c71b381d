// src/engines/kv — test support for engine tests (not used in production code): builds a
// backend over a fresh in-memory physical store and a mount-scoped StorageView, and sends
// it LogicalRequests through the framework's BackendHandler, as the core would.
import { FakeClock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/logger.js';
import { InmemPhysical } from '../../storage/inmem/inmem-physical.js';
import { StorageView } from '../../storage/storage-view.js';
import type { Backend, BackendEnv, BackendFactory } from '../../framework/backend.js';
import { BackendHandler } from '../../framework/backend-handler.js';
import type { LogicalRequest, LogicalResponse, Operation, RequestAuth } from '../../framework/logical.js';

export interface CallOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** The calling token's storage-safe key; absent = no token. */
  readonly tokenKey?: string;
}

export interface EngineWorld {
  readonly backend: Backend;
  readonly handler: BackendHandler;
  readonly clock: FakeClock;
  readonly physical: InmemPhysical;
  readonly storage: StorageView;
  call(op: Operation, path: string, data?: Record<string, unknown>, options?: CallOptions): Promise<LogicalResponse | undefined>;
  /** Like `call` but expects an ArcaError and returns it. */
  fail(op: Operation, path: string, data?: Record<string, unknown>, options?: CallOptions): Promise<ArcaError>;
  /** The data of a successful call (throws when the handler returned nothing). */
  data(op: Operation, path: string, data?: Record<string, unknown>, options?: CallOptions): Promise<Record<string, unknown>>;
}

export const mergePatchHeaders: Readonly<Record<string, string>> = { 'content-type': 'application/merge-patch+json' };

function auth(tokenKey: string): RequestAuth {
  return {
    accessor: `acc_${tokenKey}`, policies: ['default'], tokenPolicies: ['default'], displayName: 'token', entityId: '',
    metadata: {}, tokenType: 'service', ttl: 0, issueTime: 0, orphan: false, tokenKey,
  };
}

let counter = 0;

export function buildRequest(op: Operation, relativePath: string, data: Record<string, unknown>, options: CallOptions = {}): LogicalRequest {
  counter += 1;
  return {
    id: `req-${counter}`, operation: op, path: `secret/${relativePath}`, data, headers: options.headers ?? {},
    remoteAddress: '127.0.0.1', clientToken: options.tokenKey === undefined ? '' : 'hvs.test',
    mountPoint: 'secret/', mountType: 'kv', mountAccessor: 'kv_test', relativePath,
    auth: options.tokenKey === undefined ? undefined : auth(options.tokenKey), wrapTtl: 0,
  };
}

export function createEngineWorld(factory: BackendFactory, options: Record<string, string> = {}): EngineWorld {
  const physical = new InmemPhysical();
  const storage = new StorageView(physical, 'logical/kv_test/');
  const clock = new FakeClock();
  const env: BackendEnv = {
    storage, clock, logger: silentLogger, options, mountPoint: 'secret/', mountAccessor: 'kv_test',
    config: () => ({ defaultLeaseTtl: 0, maxLeaseTtl: 0 }),
  };
  const backend = factory(env);
  const handler = new BackendHandler(backend, env);
  const call: EngineWorld['call'] = (op, path, data = {}, opts = {}) => handler.handle(buildRequest(op, path, data, opts));
  return {
    backend, handler, clock, physical, storage, call,
    async fail(op, path, data = {}, opts = {}) {
      try {
        await call(op, path, data, opts);
      } catch (err) {
        if (err instanceof ArcaError) return err;
        throw err;
      }
      throw new Error(`expected ${op} ${path} to fail`);
    },
    async data(op, path, data = {}, opts = {}) {
      const res = await call(op, path, data, opts);
      if (res?.data === undefined) throw new Error(`expected ${op} ${path} to return data`);
      return res.data;
    },
  };
}
