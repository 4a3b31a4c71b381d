// src/auth/cert — `login`: authenticates the TLS client certificate of the request
// (LogicalRequest.peerCertificate, unverified by the listener) against the trusted roles
// (match-certificate.ts: chain to a role's CA or a pinned certificate, validity at the
// injected clock, the mount's CRLs, constraints) and issues the first matching role's token. Failures answer
// Vault's texts with 400 and never echo the certificate. The lockout account is the leaf's
// SHA-256.
import type { X509Certificate } from 'node:crypto';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec, HandlerContext } from '../../framework/path-spec.js';
import type { LogicalResponse } from '../../framework/logical.js';
import { field } from '../../framework/field.js';
import { ArcaError } from '../../lib/errors.js';
import { loginAuth } from '../token-fields.js';
import type { CertInfo } from './cert-info.js';
import type { CertRole } from './cert-role.js';
import type { CrlStore } from './crl-store.js';
import { readCertConfig } from './path-config.js';
import { certFingerprint, matchCertificate, NO_CERT } from './match-certificate.js';
import { extensionMetadata } from './match-constraints.js';

export { NO_CERT, NO_MATCH, UNTRUSTED } from './match-certificate.js';

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
  const fp = certFingerprint(leaf.raw);
  // A certificate without a common name still needs a stable alias: its fingerprint.
  const aliasName = info.commonName !== '' ? info.commonName : fp;
  // The core prefixes the mount path ("auth/cert/" + "web" → "cert-web").
  const auth = loginAuth(role.token, { displayName: role.display_name, alias: aliasName, metadata });
  return {
    ...auth,
    alias: config.enable_identity_alias_metadata ? { name: aliasName, metadata } : { name: aliasName },
    internal: { cert_name: role.name, fingerprint: fp, subject_key_id: info.subjectKeyId, authority_key_id: info.authorityKeyId },
  };
}

export function pathLogin(crls: CrlStore): AnyPathSpec {
  return definePath({
    pattern: 'login',
    fields: { name: field.string().optional('Only try this trusted certificate role.') },
    unauthenticated: true,
    summary: 'Log in with the TLS client certificate of the connection.',
    loginAccount: (ctx) => (ctx.req.peerCertificate ? certFingerprint(ctx.req.peerCertificate.der) : undefined),
    operations: {
      update: async (ctx) => {
        const peer = ctx.req.peerCertificate;
        if (!peer || peer.der.length === 0) throw new ArcaError('invalid_request', NO_CERT);
        const { role, info, leaf } = await matchCertificate({
          storage: ctx.storage, logger: ctx.logger, now: ctx.clock.now(), peer, crls,
          ...(ctx.fields.name ? { roleName: ctx.fields.name.toLowerCase() } : {}),
        });
        return { auth: await issue(ctx, role, info, leaf) };
      },
    },
  });
}
