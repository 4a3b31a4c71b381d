// src/scanner/report — options shared by every renderer.
export interface ReportOptions {
  /** Print whole secret values instead of the redacted form. */
  readonly showValues: boolean;
}
