// src/auth/cert — finds the trusted certificate role a presented client certificate logs in
// under (Vault's verifyCredentials), for login and for the binding check of a renewal. The
// chain must verify up to a CA certificate of a role (or the leaf equal a pinned certificate
// of a role), every certificate valid at `now`; then the first such role (all roles in name
// order, or only `roleName`) that a chain without a revoked certificate (chain-revoked.ts)
// reaches and whose constraints match is the answer. As in Vault, a role reached only by
// revoked chains counts as trusted but unmatched (NO_MATCH), and a revoked pinned
// certificate as untrusted. Failures are Vault's texts as 400s and never echo the
// certificate.
import { createHash, X509Certificate } from 'node:crypto';
import type { PeerCertificate } from '../../framework/logical.js';
import { ArcaError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { StorageView } from '../../storage/storage-view.js';
import { readCertInfo } from './cert-info.js';
import { chainRevoked } from './chain-revoked.js';
import type { CrlStore } from './crl-store.js';
import type { CertInfo } from './cert-info.js';
import { listRoles, readRole } from './cert-role.js';
import type { CertRole } from './cert-role.js';
import { matchesConstraints } from './match-constraints.js';
import { parsePemBundle } from './parse-pem-bundle.js';
import { allowsClientAuth, validAt, verifyChains } from './verify-chain.js';

export const NO_CERT = 'client certificate must be supplied';
export const UNTRUSTED = 'invalid certificate or no client certificate supplied';
export const NO_MATCH = 'no chain matching all constraints could be found for this login certificate';
const MAX_INTERMEDIATES = 16;

export interface CertMatch {
  readonly role: CertRole;
  readonly info: CertInfo;
  readonly leaf: X509Certificate;
}

export interface MatchInput {
  readonly storage: StorageView;
  readonly logger: Logger;
  /** Epoch ms: every certificate of the chain must be valid then. */
  readonly now: number;
  readonly peer: PeerCertificate;
  /** The mount's revocation lists. */
  readonly crls: CrlStore;
  /** Only this role (stored, lower-case name); undefined = every role in name order. */
  readonly roleName?: string;
}

interface TrustedRole {
  readonly role: CertRole;
  readonly cas: readonly X509Certificate[];
  readonly pins: readonly X509Certificate[];
}

/** Hex SHA-256 of a certificate's DER (the lockout account and the alias of a nameless leaf). */
export function certFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

function parseDer(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

async function loadRoles(storage: StorageView, logger: Logger, only: string | undefined): Promise<TrustedRole[]> {
  const names = only !== undefined ? [only] : await listRoles(storage);
  const out: TrustedRole[] = [];
  for (const name of names) {
    const role = await readRole(storage, name);
    if (!role) continue;
    try {
      const certs = parsePemBundle(role.certificate);
      out.push({ role, cas: certs.filter((c) => c.ca), pins: certs.filter((c) => !c.ca) });
    } catch {
      logger.warn({ role: name }, 'cert auth: skipping a role whose certificate no longer parses');
    }
  }
  return out;
}

export async function matchCertificate(input: MatchInput): Promise<CertMatch> {
  const { peer, now } = input;
  const leaf = parseDer(peer.der);
  if (!leaf) throw new ArcaError('invalid_request', UNTRUSTED);
  const intermediates = peer.chain.slice(0, MAX_INTERMEDIATES).map(parseDer).filter((c) => c !== undefined);
  const roles = await loadRoles(input.storage, input.logger, input.roleName);
  // One anchor per distinct CA, so roles sharing a CA do not use up the chain budget.
  const anchors = [...new Map(roles.flatMap((r) => r.cas).map((c) => [c.fingerprint256, c] as const)).values()];
  const chains = verifyChains({ leaf, intermediates, anchors, now });
  const info = readCertInfo(peer.der);
  const crls = await input.crls.loadAll(input.storage);
  const known = [...anchors, ...intermediates];
  const revoked = new Map<readonly X509Certificate[], boolean>();
  const isRevoked = async (chain: readonly X509Certificate[]): Promise<boolean> => {
    let r = revoked.get(chain);
    if (r === undefined) revoked.set(chain, (r = await chainRevoked({ store: input.crls, crls, chain, known })));
    return r;
  };
  const pinnedChain = [leaf];
  let trusted = false;
  for (const r of roles) {
    const pinned = r.pins.some((p) => p.raw.equals(leaf.raw)) && validAt(leaf, now) && allowsClientAuth(leaf) && !(await isRevoked(pinnedChain));
    const reaching = chains.filter((chain) => r.cas.some((ca) => ca.raw.equals((chain[chain.length - 1] as X509Certificate).raw)));
    if (!pinned && reaching.length === 0) continue;
    trusted = true;
    let usable = pinned;
    for (const chain of reaching) {
      if (usable) break;
      usable = !(await isRevoked(chain));
    }
    if (usable && matchesConstraints(info, r.role)) return { role: r.role, info, leaf };
  }
  throw new ArcaError('invalid_request', trusted ? NO_MATCH : UNTRUSTED);
}
