// src/audit — a batch's bytes (whole lines, each ending in "\n") as one buffer per line, for
// outputs that carry one record per message (UDP datagrams, syslog). JSON escapes newlines
// and a prefix may not contain one, so every 0x0a ends a record.
const NEWLINE = 0x0a;

/** Views into `bytes` (no copy); `keepNewline` leaves each line's "\n" on it. */
export function splitAuditLines(bytes: Buffer, keepNewline: boolean): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let end = bytes.indexOf(NEWLINE, start); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
    lines.push(bytes.subarray(start, keepNewline ? end + 1 : end));
    start = end + 1;
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}
