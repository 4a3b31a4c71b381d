// src/policy — durations in policies (`min_wrapping_ttl`, `max_wrapping_ttl`), read the way
// Vault's ParseDurationSecond does: a number or digit-only string is seconds; otherwise a
// sequence of <number><unit> with units ns, us, µs, ms, s, m, h, d. Contract: returns
// seconds (possibly fractional, never negative) or undefined when the input is not a duration.

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400,
};
const PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h|d)/y;

export function parseDurationSeconds(input: string | number | boolean | object): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (text === '') return 0;
  if (/^[0-9]{1,15}$/.test(text)) return Number(text);
  if (text.length > 64) return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const m = PART.exec(text);
    if (m === null) return undefined;
    total += Number(m[1]) * (UNIT_SECONDS[m[2] ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? total : undefined;
}
