// src/auth/cert — a role's constraints on the client certificate, as Vault's cert method
// applies them (path_login.go matchesConstraints): every non-empty list must be satisfied
// by at least one of its patterns (glob `*`, see glob-match.ts); empty lists allow all.
// DNS names compare case-insensitively (DNS is); everything else is case-sensitive.
import { decodeAsn1String } from './cert-info.js';
import type { CertInfo } from './cert-info.js';
import type { CertRole } from './cert-role.js';
import { globMatch } from './glob-match.js';

type Constraints = Pick<
  CertRole,
  | 'allowed_names'
  | 'allowed_common_names'
  | 'allowed_dns_sans'
  | 'allowed_email_sans'
  | 'allowed_uri_sans'
  | 'allowed_organizational_units'
  | 'required_extensions'
>;

export function matchesConstraints(info: CertInfo, role: Constraints): boolean {
  const any = (patterns: readonly string[], values: readonly string[], fold = false): boolean =>
    patterns.length === 0 ||
    patterns.some((p) => values.some((v) => (fold ? globMatch(p.toLowerCase(), v.toLowerCase()) : globMatch(p, v))));
  return (
    any(role.allowed_names, [info.commonName, ...info.dnsNames, ...info.emailAddresses]) &&
    any(role.allowed_common_names, [info.commonName]) &&
    any(role.allowed_dns_sans, info.dnsNames, true) &&
    any(role.allowed_email_sans, info.emailAddresses) &&
    any(role.allowed_uri_sans, info.uris) &&
    any(role.allowed_organizational_units, info.organizationalUnits) &&
    role.required_extensions.every((req) => matchesExtension(info, req))
  );
}

/** "oid:glob" matches the extension's string value; "hex:oid:glob" its DER in lower-case hex. */
function matchesExtension(info: CertInfo, required: string): boolean {
  const parsed = parseRequiredExtension(required);
  if (!parsed) return false;
  const raw = info.extensions.get(parsed.oid);
  if (raw === undefined) return false;
  if (parsed.hex) return globMatch(parsed.pattern.toLowerCase(), Buffer.from(raw).toString('hex'));
  return globMatch(parsed.pattern, decodeAsn1String(raw) ?? '');
}

const OID = /^[0-2](\.(0|[1-9]\d{0,9}))+$/;

/** Splits a required_extensions entry; undefined when malformed. */
export function parseRequiredExtension(text: string): { oid: string; pattern: string; hex: boolean } | undefined {
  const hex = text.startsWith('hex:');
  const rest = hex ? text.slice(4) : text;
  const colon = rest.indexOf(':');
  if (colon < 0) return undefined;
  const oid = rest.slice(0, colon);
  if (!OID.test(oid)) return undefined;
  return { oid, pattern: rest.slice(colon + 1), hex };
}

/** The metadata Vault adds for allowed_metadata_extensions: key = OID with '-' for '.'. */
export function extensionMetadata(info: CertInfo, oids: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const oid of oids) {
    const raw = info.extensions.get(oid);
    const value = raw === undefined ? undefined : decodeAsn1String(raw);
    if (value !== undefined) out[oid.replaceAll('.', '-')] = value;
  }
  return out;
}
