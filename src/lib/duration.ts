// src/lib — Vault-style durations: a number of seconds, or Go duration strings such as
// "90s", "15m", "1h30m", "72h", also "1d" (accepted by Vault for TTLs). Returns whole
// seconds, or undefined when the text is not a duration.

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
const MAX_SECONDS = 100 * 365 * 86400;

export function parseDuration(input: string | number): number | undefined {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0 && input <= MAX_SECONDS ? Math.floor(input) : undefined;
  }
  const text = input.trim();
  if (text === '') return 0;
  if (/^\d{1,12}$/.test(text)) return parseDuration(Number(text));
  if (text.length > 64) return undefined;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    total += Number(match[1]) * (UNIT_SECONDS[match[2] as string] ?? 0);
    consumed = re.lastIndex;
  }
  if (consumed !== text.length) return undefined;
  return total <= MAX_SECONDS ? Math.floor(total) : undefined;
}

/** Formats seconds as Go does for Vault's CLI output ("768h0m0s"). */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
