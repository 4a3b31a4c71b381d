// bench — the one HTTP call the bench set-up code makes against a node under test: a JSON
// request with a token, failing on any status >= 300 (the set-up must not half-succeed).
// The error names the method, path and status only, never a body (it may hold a secret).
export async function benchCall(base: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'X-Vault-Token': token, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}`);
  return { status: res.status, text };
}
