// src/auth/cert — the glob Vault's cert method applies to names and extension values
// (ryanuber/go-glob): `*` matches any run of characters, including none and including dots;
// there is no other wildcard and no escaping. An empty pattern matches only the empty string.
export function globMatch(pattern: string, subject: string): boolean {
  if (pattern === '*') return true;
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === subject;
  const leadingGlob = pattern.startsWith('*');
  const trailingGlob = pattern.endsWith('*');
  const last = parts.length - 1;
  let rest = subject;
  for (let i = 0; i < last; i += 1) {
    const part = parts[i] ?? '';
    const idx = rest.indexOf(part);
    if (i === 0 && !leadingGlob && idx !== 0) return false;
    if (idx < 0) return false;
    rest = rest.slice(idx + part.length);
  }
  return trailingGlob || rest.endsWith(parts[last] ?? '');
}
