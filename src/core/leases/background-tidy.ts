// src/core/leases — runs the lease tidy in the background, at most one at a time per node,
// as Vault's sys/leases/tidy does (its Tidy holds a flag and returns at once when a tidy is
// already running). The caller learns only that it started; the outcome goes to the log.
import type { Logger } from '../../lib/logger.js';
import type { LeaseTidyResult } from './lease-manager.js';

export class BackgroundTidy {
  private running: Promise<void> | undefined;

  constructor(
    private readonly tidy: () => Promise<LeaseTidyResult>,
    private readonly logger: Logger,
  ) {}

  /**
   * Starts a tidy unless one is running. Never throws and the returned promise never rejects:
   * a failure is logged. Returns the run in progress (the new one or the one already
   * running), which callers other than tests need not await.
   */
  start(): Promise<void> {
    if (this.running) {
      this.logger.info({}, 'lease tidy is already in progress');
      return this.running;
    }
    const run = (async (): Promise<void> => {
      try {
        const result = await this.tidy();
        this.logger.info({ dangling_indexes: result.danglingIndexes, orphan_leases: result.orphanLeases }, 'lease tidy finished');
      } catch (err: unknown) {
        this.logger.error({ err: String(err) }, 'lease tidy failed');
      } finally {
        this.running = undefined;
      }
    })();
    this.running = run;
    return run;
  }
}
