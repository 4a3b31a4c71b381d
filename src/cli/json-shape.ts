// src/cli — narrow readers for untyped JSON answers from the server. The CLI is a client of
// whatever server it talks to, so every field is checked at the point of use, never cast.

export type JsonRecord = Record<string, unknown>;

export function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

export function asStringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) : [];
}

/** `body.data` when it is an object (Vault's secret envelope), else an empty record. */
export function dataOf(body: unknown): JsonRecord {
  return asRecord(asRecord(body)?.['data']) ?? {};
}
