// src/audit — RFC 5424 syslog messages for the syslog audit device:
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID - - MSG
// PRI is facility * 8 + severity; records are sent at severity info (6), as Vault does.
// MSG is the audit line exactly as chained (prefix included, no newline), so a collector
// that keeps MSG keeps lines that `arca audit verify` accepts. No BOM: the line is UTF-8
// JSON and the BOM would have to be stripped again before verifying.
import { ArcaError } from '../lib/errors.js';

/** Facility names as Vault (go-syslog) accepts them, case-insensitively. */
const FACILITIES: Readonly<Record<string, number>> = {
  KERN: 0, USER: 1, MAIL: 2, DAEMON: 3, AUTH: 4, SYSLOG: 5, LPR: 6, NEWS: 7, UUCP: 8, CRON: 9, AUTHPRIV: 10, FTP: 11,
  LOCAL0: 16, LOCAL1: 17, LOCAL2: 18, LOCAL3: 19, LOCAL4: 20, LOCAL5: 21, LOCAL6: 22, LOCAL7: 23,
};
const SEVERITY_INFO = 6;

export function parseSyslogFacility(raw: string): number {
  const code = FACILITIES[raw.trim().toUpperCase()];
  if (code === undefined) {
    throw new ArcaError('invalid_request', `audit syslog device: unknown facility "${raw.slice(0, 32)}" (use one of ${Object.keys(FACILITIES).join(', ')})`);
  }
  return code;
}

/** RFC 5424 APP-NAME: 1–48 printable ASCII characters without spaces. */
export function parseSyslogTag(raw: string): string {
  if (!/^[\x21-\x7e]{1,48}$/.test(raw)) {
    throw new ArcaError('invalid_request', 'audit syslog device: "tag" must be 1 to 48 printable ASCII characters without spaces');
  }
  return raw;
}

/** HOSTNAME field: printable ASCII, at most 255, "-" when nothing usable is left. */
export function syslogHostname(raw: string): string {
  const clean = raw.replace(/[^\x21-\x7e]/g, '').slice(0, 255);
  return clean === '' ? '-' : clean;
}

/** The fixed part of every message of one device: everything after the timestamp but MSG. */
export interface SyslogHeader {
  readonly facility: number;
  readonly hostname: string;
  readonly tag: string;
  readonly pid: number;
}

export function formatSyslogMessage(header: SyslogHeader, timeMs: number, line: Buffer): Buffer {
  const pri = header.facility * 8 + SEVERITY_INFO;
  const head = `<${pri}>1 ${new Date(timeMs).toISOString()} ${header.hostname} ${header.tag} ${header.pid} - - `;
  return Buffer.concat([Buffer.from(head, 'ascii'), line]);
}
