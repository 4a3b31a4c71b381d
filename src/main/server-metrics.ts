// src/main — Prometheus metrics (prom-client) for sys/metrics?format=prometheus: HTTP
// requests, handler time per mount type, audit device results and barrier encryptions.
// Values come from counters updated on the request path or read from subsystems at
// scrape time (collect callbacks), so scraping costs nothing between scrapes.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiObserver } from '../http/api-handler.js';
import type { CoreMetrics } from '../core/core-metrics.js';
import type { Core } from '../core/core.js';
import type { LeaseStats } from '../core/leases/lease-manager.js';

export class ServerMetrics implements ApiObserver, CoreMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'code'>;
  private readonly duration: Histogram<'method'>;
  private readonly handler: Histogram<'mount_type'>;
  /**
   * Labelled children by label value: prom-client hashes a labels object on every observe,
   * and these run on every request. Label values are few (HTTP methods Node accepts, status
   * codes, mount types), so the maps stay small.
   */
  private readonly children = {
    requests: new Map<string, { inc(): void }>(),
    duration: new Map<string, { observe(value: number): void }>(),
    handler: new Map<string, { observe(value: number): void }>(),
  };

  constructor(core: () => Core | undefined) {
    collectDefaultMetrics({ register: this.registry, prefix: 'arca_process_' });
    this.requests = new Counter({ name: 'arca_http_requests_total', help: 'HTTP requests by method and status code', labelNames: ['method', 'code'], registers: [this.registry] });
    this.duration = new Histogram({
      name: 'arca_http_request_duration_seconds',
      help: 'Time from request parsed to response ready',
      labelNames: ['method'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    });
    this.handler = new Histogram({
      name: 'arca_handler_duration_seconds',
      help: 'Time spent in the backend handler, by mount type',
      labelNames: ['mount_type'],
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 1],
      registers: [this.registry],
    });
    const auditGauge = (name: string, help: string, pick: (s: ReturnType<Core['audit']['stats']>) => number): void => {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const c = core();
          if (c) this.set(pick(c.audit.stats()));
        },
      });
    };
    auditGauge('arca_audit_records_written_total', 'Audit records written by any device', (s) => s.written);
    auditGauge('arca_audit_write_failures_total', 'Audit device writes that failed', (s) => s.failed);
    auditGauge('arca_audit_write_timeouts_total', 'Audit device writes cut off by the timeout', (s) => s.timedOut);
    auditGauge('arca_audit_last_write_latency_ms', 'Latency of the last audit write', (s) => s.lastLatencyMs);
    new Gauge({
      name: 'arca_audit_log_cuts_detected',
      help: 'File audit devices whose log ended before its stored checkpoint at the last unseal (cut while the server was down)',
      registers: [this.registry],
      collect() {
        const c = core();
        this.set(c && !c.sealed ? c.auditTable.cutsDetected.length : 0);
      },
    });
    new Gauge({
      name: 'arca_barrier_encryptions_total',
      help: 'Values encrypted by the barrier with the current key term',
      registers: [this.registry],
      collect() {
        const c = core();
        if (c && !c.sealed) this.set(c.barrier.keyStatus().encryptions);
      },
    });
    new Gauge({
      name: 'arca_barrier_key_term',
      help: 'Current barrier keyring term',
      registers: [this.registry],
      collect() {
        const c = core();
        if (c && !c.sealed) this.set(c.barrier.keyStatus().term);
      },
    });
    new Gauge({
      name: 'arca_barrier_cache_entries',
      help: 'Decrypted entries held in the barrier read cache',
      registers: [this.registry],
      collect() {
        const c = core();
        this.set(c && !c.sealed ? c.barrier.cachedEntries : 0);
      },
    });
    new Gauge({
      name: 'arca_barrier_cache_live',
      help: 'Whether reads are served from the barrier read cache (0 while sealed, with the cache disabled, or while the PostgreSQL change feed is down)',
      registers: [this.registry],
      collect() {
        const c = core();
        this.set(c && !c.sealed && c.barrier.cacheLive ? 1 : 0);
      },
    });
    const leaseCounter = (name: string, help: string, pick: (s: LeaseStats) => number): void => {
      // The lease manager counts since it was built (each unseal builds a new one); the
      // Prometheus counter adds what happened since the last scrape, so it never goes down.
      let last = 0;
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          const c = core();
          if (!c || c.sealed) return;
          const value = pick(c.leases.stats());
          if (value > last) this.inc(value - last);
          last = value;
        },
      });
    };
    leaseCounter('arca_leases_registered_total', 'Leases created (dynamic secrets) on this node', (s) => s.registered);
    leaseCounter('arca_leases_renewed_total', 'Lease renewals on this node', (s) => s.renewed);
    leaseCounter('arca_leases_revoked_total', 'Leases revoked on request on this node', (s) => s.revoked);
    leaseCounter('arca_leases_reaped_total', 'Expired leases and tokens revoked by this node\'s reaper', (s) => s.reaped);
    leaseCounter('arca_leases_revoke_failures_total', 'Lease revocations that failed in the backend', (s) => s.revokeFailures);
    new Gauge({
      name: 'arca_core_unsealed',
      help: '1 when the node is unsealed',
      registers: [this.registry],
      collect() {
        this.set(core()?.sealed === false ? 1 : 0);
      },
    });
  }

  observe(sample: { method: string; status: number; durationMs: number }): void {
    const { method, status } = sample;
    child(this.children.requests, `${method} ${status}`, () => this.requests.labels({ method, code: String(status) })).inc();
    child(this.children.duration, method, () => this.duration.labels({ method })).observe(sample.durationMs / 1000);
  }

  observeHandler(mountType: string, ms: number): void {
    child(this.children.handler, mountType, () => this.handler.labels({ mount_type: mountType })).observe(ms / 1000);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

function child<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let found = cache.get(key);
  if (found === undefined) {
    found = make();
    cache.set(key, found);
  }
  return found;
}
