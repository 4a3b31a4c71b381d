// src/scanner — the unit of work shared by the main thread and worker threads: scan a batch
// of files (read, size/binary filter, detect) or of patch chunks, and return findings with
// byte/file counts for throughput and progress.
import { ContentScanner } from './content-scanner.js';
import type { Origin } from './content-scanner.js';
import type { Finding } from './finding.js';
import { readScannable } from './file-walker.js';
import type { ScanConfig } from './scan-config.js';

export interface FileJob {
  readonly abs: string;
  readonly rel: string;
}

export interface ChunkJob {
  readonly text: string;
  readonly origin: Origin;
  readonly lines: readonly number[];
}

export type BatchJob = { readonly type: 'files'; readonly files: readonly FileJob[] } | { readonly type: 'chunks'; readonly chunks: readonly ChunkJob[] };

export interface BatchResult {
  readonly findings: Finding[];
  readonly bytes: number;
  readonly files: number;
  readonly skipped: number;
}

export interface BatchSettings {
  readonly config: ScanConfig;
  readonly maxFileSize: number;
}

export class BatchScanner {
  private readonly scanner: ContentScanner;

  constructor(private readonly settings: BatchSettings) {
    this.scanner = new ContentScanner(settings.config);
  }

  run(job: BatchJob): BatchResult {
    const findings: Finding[] = [];
    let bytes = 0;
    let files = 0;
    let skipped = 0;
    if (job.type === 'files') {
      for (const f of job.files) {
        if (this.scanner.isAllowedPath(f.rel)) {
          skipped++;
          continue;
        }
        const text = readScannable(f.abs, this.settings.maxFileSize);
        if (text === undefined) {
          skipped++;
          continue;
        }
        files++;
        bytes += text.length;
        findings.push(...this.scanner.scan(text, { file: f.rel }));
      }
    } else {
      for (const c of job.chunks) {
        files++;
        bytes += c.text.length;
        findings.push(...this.scanner.scan(c.text, c.origin, c.lines));
      }
    }
    return { findings, bytes, files, skipped };
  }
}
