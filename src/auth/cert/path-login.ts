// src/auth/cert — `login`: authenticates the TLS client certificate of the request
// (LogicalRequest.peerCertificate, unverified by the listener). The chain must verify up to a
// CA certificate of a role (or the leaf equal a pinned certificate of a role), every
// certificate valid at the injected clock; then the first such role (all roles in name
// order, or only `name`) whose constraints match issues the token. Failures answer Vault's
// texts with 400 and never echo the certificate. The lockout account is the leaf's SHA-256.
import { createHash, X509Certificate } from 'node:crypto';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec, HandlerContext } from '../../framework/path-spec.js';
import type { LogicalResponse, PeerCertificate } from '../../framework/logical.js';
import { field } from '../../framework/field.js';
import { ArcaError } from '../../lib/errors.js';
import type { StorageView } from '../../storage/storage-view.js';
import { loginAuth } from '../token-fields.js';
import { readCertInfo } from './cert-info.js';
import type { CertInfo } from './cert-info.js';
import { listRoles, readRole } from './cert-role.js';
import type { CertRole } from './cert-role.js';
import { readCertConfig } from './path-config.js';
import { parsePemBundle } from './parse-pem-bundle.js';
import { allowsClientAuth, validAt, verifyChains } from './verify-chain.js';
import { extensionMetadata, matchesConstraints } from './match-constraints.js';

export const NO_CERT = 'client certificate must be supplied';
export const UNTRUSTED = 'invalid certificate or no client certificate supplied';
export const NO_MATCH = 'no chain matching all constraints could be found for this login certificate';
const MAX_INTERMEDIATES = 16;

interface TrustedRole {
  readonly role: CertRole;
  readonly cas: readonly X509Certificate[];
  readonly pins: readonly X509Certificate[];
}

function fingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

function parseDer(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

async function loadRoles(ctx: HandlerContext<{ readonly name: string | undefined }>): Promise<TrustedRole[]> {
  const storage: StorageView = ctx.storage;
  const names = ctx.fields.name ? [ctx.fields.name.toLowerCase()] : await listRoles(storage);
  const out: TrustedRole[] = [];
  for (const name of names) {
    const role = await readRole(storage, name);
    if (!role) continue;
    try {
      const certs = parsePemBundle(role.certificate);
      out.push({ role, cas: certs.filter((c) => c.ca), pins: certs.filter((c) => !c.ca) });
    } catch {
      ctx.logger.warn({ role: name }, 'cert auth: skipping a role whose certificate no longer parses');
    }
  }
  return out;
}

async function authenticate(ctx: HandlerContext<{ readonly name: string | undefined }>, peer: PeerCertificate): Promise<LogicalResponse> {
  const leaf = parseDer(peer.der);
  if (!leaf) throw new ArcaError('invalid_request', UNTRUSTED);
  const intermediates = peer.chain.slice(0, MAX_INTERMEDIATES).map(parseDer).filter((c) => c !== undefined);
  const roles = await loadRoles(ctx);
  const now = ctx.clock.now();
  // One anchor per distinct CA, so roles sharing a CA do not use up the chain budget.
  const anchors = [...new Map(roles.flatMap((r) => r.cas).map((c) => [c.fingerprint256, c] as const)).values()];
  const chains = verifyChains({ leaf, intermediates, anchors, now });
  const info = readCertInfo(peer.der);
  let trusted = false;
  for (const r of roles) {
    const pinned = r.pins.some((p) => p.raw.equals(leaf.raw)) && validAt(leaf, now) && allowsClientAuth(leaf);
    const chained = chains.some((chain) => r.cas.some((ca) => ca.raw.equals((chain[chain.length - 1] as X509Certificate).raw)));
    if (!pinned && !chained) continue;
    trusted = true;
    if (matchesConstraints(info, r.role)) return { auth: await issue(ctx, r.role, info, leaf) };
  }
  throw new ArcaError('invalid_request', trusted ? NO_MATCH : UNTRUSTED);
}

async function issue(ctx: HandlerContext<unknown>, role: CertRole, info: CertInfo, leaf: X509Certificate): Promise<NonNullable<LogicalResponse['auth']>> {
  const config = await readCertConfig(ctx.storage);
  const metadata: Record<string, string> = {
    ...extensionMetadata(info, role.allowed_metadata_extensions),
    cert_name: role.name,
    common_name: info.commonName,
    serial_number: info.serialNumber,
    subject_key_id: info.subjectKeyId,
    authority_key_id: info.authorityKeyId,
  };
  const fp = fingerprint(leaf.raw);
  // A certificate without a common name still needs a stable alias: its fingerprint.
  const aliasName = info.commonName !== '' ? info.commonName : fp;
  // Vault prefixes the display name with the mount path ("auth/cert/" → "cert-web").
  const source = ctx.req.mountPoint.replace(/^auth\//, '').replaceAll('/', '-');
  const displayName = `${source}${role.display_name}`.replace(/-+$/, '');
  const auth = loginAuth(role.token, { displayName, alias: aliasName, metadata });
  return {
    ...auth,
    alias: config.enable_identity_alias_metadata ? { name: aliasName, metadata } : { name: aliasName },
    internal: { cert_name: role.name, fingerprint: fp, subject_key_id: info.subjectKeyId, authority_key_id: info.authorityKeyId },
  };
}

export const pathLogin: AnyPathSpec = definePath({
  pattern: 'login',
  fields: { name: field.string().optional('Only try this trusted certificate role.') },
  unauthenticated: true,
  summary: 'Log in with the TLS client certificate of the connection.',
  loginAccount: (ctx) => (ctx.req.peerCertificate ? fingerprint(ctx.req.peerCertificate.der) : undefined),
  operations: {
    update: async (ctx) => {
      const peer = ctx.req.peerCertificate;
      if (!peer || peer.der.length === 0) throw new ArcaError('invalid_request', NO_CERT);
      return authenticate(ctx, peer);
    },
  },
});
