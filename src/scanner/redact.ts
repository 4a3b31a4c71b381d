// src/scanner — redaction for every human- or machine-readable output: a short prefix (the
// vendor prefix such as "ghp_" when there is one) and the last 4 characters. Short values
// show less so that redaction never reveals most of a secret.

export function redact(secret: string): string {
  const flat = secret.replace(/\s+/g, '');
  if (flat.length < 12) return `${flat.slice(0, 1)}${'*'.repeat(6)}`;
  const vendor = /^[A-Za-z0-9]{2,12}[_.-]/.exec(flat)?.[0] ?? '';
  const prefixLength = Math.min(vendor.length > 0 ? vendor.length : 4, Math.floor(flat.length / 4));
  return `${flat.slice(0, prefixLength)}…${flat.slice(-4)}`;
}
