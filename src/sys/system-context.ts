// src/sys — what the system backend may reach: the core (mounts, policies, tokens, leases,
// audit) and the seal controller. Built in src/main and captured by the backend factory.
import type { Core } from '../core/core.js';
import type { SealController } from '../core/seal-controller.js';
import type { LogicalResponse } from '../framework/logical.js';

export interface SystemContext {
  readonly core: Core;
  readonly seal: SealController;
  readonly version: string;
  /** Prometheus exposition text of every metric. */
  metricsText(): Promise<string>;
  /** Node start time (ms), for sys/health `server_time_utc` and sys/leader. */
  readonly clusterId: string;
  readonly clusterName: string;
  readonly apiAddress: () => string;
}

/** A body sent without Vault's envelope (sys/health, seal-status, init...). */
export function rawJson(body: unknown, status = 200): LogicalResponse {
  return { status, raw: { contentType: 'application/json', body: JSON.stringify(body) } };
}
