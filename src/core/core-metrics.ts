// src/core — the metrics the core reports; src/main implements it with prom-client so the
// core does not depend on a metrics library.
export interface CoreMetrics {
  observeHandler(mountType: string, ms: number): void;
}
