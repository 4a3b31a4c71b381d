// src/core/wrapping — the built-in "response-wrapping" policy carried by every wrapping
// token (Vault's responseWrappingPolicy). It is served by the policy store from this text,
// never stored, cannot be written, deleted or assigned to other tokens. It grants nothing
// but unwrapping: a leaked wrapping token cannot read, list or create anything.

export const RESPONSE_WRAPPING_POLICY = 'response-wrapping';

export const responseWrappingPolicyText = `# The "response-wrapping" policy: a wrapping token may only be unwrapped.
path "sys/wrapping/unwrap" {
  capabilities = ["update"]
}
`;
