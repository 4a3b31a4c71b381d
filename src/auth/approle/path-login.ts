// src/auth/approle — `login` {role_id, secret_id} (unauthenticated). Every failure is the
// same 400 "invalid role or secret ID", whichever part was wrong. A secret-id's use count
// is checked and spent in the same storage transaction as the read, so a secret-id with
// num_uses N logs in exactly N times however many logins race. Expired secret-ids are
// deleted when met. CIDRs checked here: the role's secret_id_bound_cidrs and
// token_bound_cidrs, and the secret-id's cidr_list; the core checks token_bound_cidrs
// again on every use of the token.
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import type { ResponseAuth } from '../../framework/logical.js';
import { ArcaError } from '../../lib/errors.js';
import type { StorageViewTransaction } from '../../storage/storage-view.js';
import { addressAllowed } from '../cidr-list.js';
import { loginAuth } from '../token-fields.js';
import type { MountKey } from './mount-key.js';
import { MAX_ID_LENGTH, roleByRoleId } from './role-store.js';
import type { RoleEntry } from './role-store.js';
import { deleteSecretId, getSecretId, isExpired, putSecretId } from './secret-id-store.js';
import type { SecretIdEntry } from './secret-id-store.js';

export const INVALID_LOGIN = 'invalid role or secret ID';

const invalid = (): ArcaError => new ArcaError('invalid_request', INVALID_LOGIN);

type Outcome = { ok: true; role: RoleEntry; secretId: SecretIdEntry | undefined } | { ok: false };

/**
 * Checks and spends the secret-id inside `tx`. Returns a value rather than throwing so
 * the deletion of an expired secret-id commits.
 */
async function spendSecretId(tx: StorageViewTransaction, role: RoleEntry, hmac: string, now: number, remote: string): Promise<Outcome> {
  const entry = await getSecretId(tx, role.name, hmac);
  if (entry === undefined) return { ok: false };
  if (isExpired(entry, now)) {
    await deleteSecretId(tx, role.name, hmac);
    return { ok: false };
  }
  if (!addressAllowed(entry.cidr_list, remote)) return { ok: false };
  if (entry.secret_id_num_uses === 1) await deleteSecretId(tx, role.name, hmac);
  else if (entry.secret_id_num_uses > 1) {
    await putSecretId(tx, role.name, hmac, { ...entry, secret_id_num_uses: entry.secret_id_num_uses - 1, last_updated_time: now });
  }
  return { ok: true, role, secretId: entry };
}

function authFor(role: RoleEntry, secretId: SecretIdEntry | undefined): ResponseAuth {
  const metadata = { ...(secretId?.metadata ?? {}), role_name: role.name };
  // No name part: the core makes the display name the mount's ("approle"), as Vault does.
  const auth = loginAuth(role.token, { displayName: '', alias: role.role_id, metadata });
  const narrowed = secretId?.token_bound_cidrs ?? [];
  return narrowed.length > 0 ? { ...auth, boundCidrs: narrowed } : auth;
}

export function pathLogin(key: MountKey): AnyPathSpec {
  return definePath({
    pattern: 'login/?',
    fields: {
      role_id: field.string().required('The role_id of the role.'),
      secret_id: field.string().default('', 'The secret-id (required when the role binds one).'),
    },
    unauthenticated: true,
    summary: 'Log in with a role_id and a secret-id.',
    loginAccount: ({ fields }) => fields.role_id,
    operations: {
      update: async ({ fields, req, storage, clock }) => {
        if (fields.role_id === '' || fields.role_id.length > MAX_ID_LENGTH || fields.secret_id.length > MAX_ID_LENGTH) throw invalid();
        const hmac = await key.hasher();
        const remote = req.remoteAddress;
        const roleIdHmac = hmac(fields.role_id);
        const secretIdHmac = hmac(fields.secret_id);
        const outcome = await storage.transaction(async (tx): Promise<Outcome> => {
          const role = await roleByRoleId(tx, roleIdHmac);
          if (role === undefined) return { ok: false };
          if (!addressAllowed(role.secret_id_bound_cidrs, remote) || !addressAllowed(role.token.token_bound_cidrs, remote)) return { ok: false };
          if (!role.bind_secret_id) return { ok: true, role, secretId: undefined };
          if (fields.secret_id === '') return { ok: false };
          return spendSecretId(tx, role, secretIdHmac, clock.now(), remote);
        });
        if (!outcome.ok) throw invalid();
        return { auth: authFor(outcome.role, outcome.secretId) };
      },
    },
  });
}
