// src/auth/jwt — whether a redirect URI is one a role allows. An exact string match, except
// that for loopback hosts (localhost, 127.0.0.1, [::1]) the port is ignored, as Vault does
// after RFC 8252 §7.3: a CLI picks its listening port at login time.
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

export function isAllowedRedirect(uri: string, allowed: readonly string[]): boolean {
  if (allowed.includes(uri)) return true;
  const got = parse(uri);
  if (!got || !LOOPBACK.has(got.hostname)) return false;
  return allowed.some((candidate) => {
    const want = parse(candidate);
    return (
      want !== undefined &&
      want.protocol === got.protocol &&
      want.hostname === got.hostname &&
      want.pathname === got.pathname &&
      want.search === got.search &&
      want.username === '' && got.username === '' && got.password === '' && got.hash === ''
    );
  });
}
