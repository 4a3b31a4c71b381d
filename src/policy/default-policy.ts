// src/policy — the built-in "default" policy, attached to every non-root token unless the
// caller opts out. Its text is stored like any other policy (operators may edit it, not
// delete it); this is the content written on initialisation. It lets a token look after
// itself and use the per-token and wrapping facilities, and nothing else.

export const defaultPolicyText = `# The "default" policy: what every token may do for itself.

# Look up, renew and revoke the calling token.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}
path "auth/token/renew-self" {
  capabilities = ["update"]
}
path "auth/token/revoke-self" {
  capabilities = ["update"]
}

# Ask which capabilities the calling token has on given paths.
path "sys/capabilities-self" {
  capabilities = ["update"]
}

# Read the calling token's own identity entity.
path "identity/entity/id/{{identity.entity.id}}" {
  capabilities = ["read"]
}
path "identity/entity/name/{{identity.entity.name}}" {
  capabilities = ["read"]
}

# The combined ACL of the calling token (used by user interfaces).
path "sys/internal/ui/resultant-acl" {
  capabilities = ["read"]
}

# Renew a lease, or look one up, given its lease id (which the caller must already know).
path "sys/renew" {
  capabilities = ["update"]
}
path "sys/leases/renew" {
  capabilities = ["update"]
}
path "sys/leases/lookup" {
  capabilities = ["update"]
}

# The token's private cubbyhole.
path "cubbyhole/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}

# Response wrapping: wrap a value, inspect and unwrap a wrapping token.
path "sys/wrapping/wrap" {
  capabilities = ["update"]
}
path "sys/wrapping/lookup" {
  capabilities = ["update"]
}
path "sys/wrapping/unwrap" {
  capabilities = ["update"]
}

# Hashing helper.
path "sys/tools/hash" {
  capabilities = ["update"]
}
path "sys/tools/hash/*" {
  capabilities = ["update"]
}
`;
