// src/scanner — a progress bar on stderr for long scans, drawn only when stderr is a TTY and
// redrawn at most every 100 ms (time from the injected Clock).
import type { Clock } from '../lib/clock.js';
import type { ScanProgress } from './scan-runner.js';

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

const WIDTH = 30;

export class ProgressBar {
  private last = -Infinity;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly clock: Clock,
  ) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(p: ScanProgress): void {
    if (!this.enabled) return;
    const now = this.clock.now();
    if (now - this.last < 100) return;
    this.last = now;
    const mb = (p.bytes / 1048576).toFixed(1);
    let text: string;
    if (p.total !== undefined && p.total > 0) {
      const ratio = Math.min(1, p.files / p.total);
      const filled = Math.round(ratio * WIDTH);
      text = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${p.files}/${p.total} files, ${mb} MB`;
    } else {
      text = `scanning: ${p.commits ?? 0} commits, ${p.files} file changes, ${mb} MB`;
    }
    this.stream.write(`\r\x1b[2K${text}`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
