// src/auth/cert — the `cert` auth method (Vault's TLS certificates method): trusted
// certificate roles under certs/, the mount's config, and login with the connection's
// client certificate. Registered as `auth.cert`. CRLs and OCSP are not supported (see
// docs/auth/cert.md); a role that asks for OCSP is refused rather than silently unchecked.
import type { Backend, BackendEnv } from '../../framework/backend.js';
import { pathCerts, pathCertsList } from './path-certs.js';
import { pathConfig } from './path-config.js';
import { pathLogin } from './path-login.js';

export function createCertBackend(_env: BackendEnv): Backend {
  return { id: 'auth.cert', type: 'cert', kind: 'auth', paths: [pathLogin, pathConfig, pathCertsList, pathCerts] };
}
