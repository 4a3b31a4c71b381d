// src/auth/cert — the renewal check of a cert token (Vault's cert pathLoginRenew). The role
// named in the token's metadata (`cert_name`) must still exist and still carry the token's
// policies. Unless the mount's config sets `disable_binding`, the renewal request must also
// present a client certificate that logs in under that role today (chain to its current CA
// or pin, validity at the server clock, not revoked by the mount's CRLs, constraints) and is the login's certificate identity:
// the same subject and authority key ids the login recorded. Vault's code accepts either key
// id matching; both are required here, which is what its comment says it means. A renewal
// that passes extends the token with the role's current token_ttl, token_max_ttl and
// token_period.
import type { Backend, BackendEnv } from '../../framework/backend.js';
import { ArcaError } from '../../lib/errors.js';
import { equivalentPolicies, goneDuringRenewal, POLICIES_CHANGED, recordedName } from '../equivalent-policies.js';
import { renewalTerms } from '../token-fields.js';
import { readRole } from './cert-role.js';
import { matchCertificate, NO_CERT } from './match-certificate.js';
import type { CrlStore } from './crl-store.js';
import { readCertConfig } from './path-config.js';

export const NOT_LOGIN_IDENTITY = 'client identity during renewal not matching client identity used during login';

export function renewCertLogin(env: BackendEnv, crls: CrlStore): NonNullable<Backend['renewLogin']> {
  return async (login) => {
    const certName = recordedName(login.metadata, 'cert_name');
    const role = await readRole(env.storage, certName);
    if (role === undefined) throw goneDuringRenewal('role', certName);
    const config = await readCertConfig(env.storage);
    if (!config.disable_binding) {
      const peer = login.peerCertificate;
      if (!peer || peer.der.length === 0) throw new ArcaError('invalid_request', NO_CERT);
      const { info } = await matchCertificate({ storage: env.storage, logger: env.logger, now: env.clock.now(), peer, crls, roleName: certName });
      const same = info.subjectKeyId === login.metadata['subject_key_id'] && info.authorityKeyId === login.metadata['authority_key_id'];
      if (!same) throw new ArcaError('invalid_request', NOT_LOGIN_IDENTITY);
    }
    if (!equivalentPolicies(role.token.token_policies, login.policies)) throw new ArcaError('invalid_request', POLICIES_CHANGED);
    return renewalTerms(role.token);
  };
}
