// src/auth/cert — a role's `certificate` field: one or more PEM CERTIFICATE blocks (a CA,
// a CA bundle, or a leaf to pin). Anything else in the text (comments, other block types)
// is ignored, as Go's pem.Decode loop in Vault does; no certificate at all is a 400.
import { X509Certificate } from 'node:crypto';
import { ArcaError } from '../../lib/errors.js';

const BLOCK = /-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;
/** Bounds the work one role costs at every login. */
export const MAX_BUNDLE_CERTS = 64;

export function parsePemBundle(text: string): X509Certificate[] {
  const certs: X509Certificate[] = [];
  for (const m of text.matchAll(BLOCK)) {
    if (certs.length >= MAX_BUNDLE_CERTS) {
      throw new ArcaError('invalid_request', `a certificate bundle holds at most ${MAX_BUNDLE_CERTS} certificates`);
    }
    const der = Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64');
    try {
      certs.push(new X509Certificate(der));
    } catch {
      throw new ArcaError('invalid_request', 'failed to parse certificate');
    }
  }
  if (certs.length === 0) throw new ArcaError('invalid_request', 'failed to parse certificate');
  return certs;
}
