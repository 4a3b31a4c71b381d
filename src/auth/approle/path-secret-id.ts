// src/auth/approle — issuing secret-ids: POST `role/:role_name/secret-id` (random),
// `role/:role_name/custom-secret-id` (caller-chosen), and LIST `role/:role_name/secret-id`
// (accessors only). A secret-id may narrow but never widen its role: its TTL, use count
// and CIDR lists must fit inside the role's. Response wrapping is the core's business.
import { randomUUID } from 'node:crypto';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec, HandlerContext } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import type { FieldValues } from '../../framework/field.js';
import { ArcaError } from '../../lib/errors.js';
import { addressAllowed, parseCidrs } from '../cidr-list.js';
import type { MountKey } from './mount-key.js';
import { checkCredentialId, checkRoleName, getRole, requireRole, ROLE_NAME_PATTERN } from './role-store.js';
import type { RoleEntry } from './role-store.js';
import { accessorPrefix, getSecretId, putSecretId } from './secret-id-store.js';
import type { SecretIdEntry } from './secret-id-store.js';

const MAX_METADATA_KEYS = 64;
const MAX_METADATA_VALUE = 512;

const generateFields = {
  role_name: field.string().required('Name of the role.'),
  metadata: field.stringMap().optional('JSON object of string values attached to the secret-id and to tokens it logs in.'),
  cidr_list: field.strings().optional('Client addresses allowed to log in with this secret-id.'),
  token_bound_cidrs: field.strings().optional('Client addresses allowed to use tokens issued with this secret-id.'),
  ttl: field.duration().optional('Lifetime of this secret-id (at most the role\'s secret_id_ttl).'),
  num_uses: field.int(0, 1_000_000_000).optional('Uses of this secret-id (at most the role\'s secret_id_num_uses).'),
};
const customFields = { ...generateFields, secret_id: field.string().required('The secret-id to register.') };

type GenerateValues = FieldValues<typeof generateFields>;

/** True when every CIDR of `inner` lies inside one of `outer` (empty outer = no bound). */
function withinCidrs(inner: readonly string[], outer: readonly string[]): boolean {
  if (outer.length === 0) return true;
  return inner.every((c) => {
    const [addr, bits] = c.split('/') as [string, string];
    return outer.some((o) => Number(o.split('/')[1]) <= Number(bits) && addressAllowed([o], addr));
  });
}

function checkMetadata(metadata: Record<string, string>): Record<string, string> {
  const entries = Object.entries(metadata);
  if (entries.length > MAX_METADATA_KEYS) throw new ArcaError('invalid_request', `metadata may have at most ${MAX_METADATA_KEYS} keys`);
  for (const [k, v] of entries) {
    if (k === '' || k.length > 128 || v.length > MAX_METADATA_VALUE) {
      throw new ArcaError('invalid_request', `metadata keys must be 1 to 128 characters and values at most ${MAX_METADATA_VALUE}`);
    }
  }
  return metadata;
}

/** The entry a generate request asks for, checked against its role. */
function newEntry(role: RoleEntry, sent: GenerateValues, now: number): SecretIdEntry {
  if (!role.bind_secret_id) throw new ArcaError('invalid_request', 'bind_secret_id is not set on the role');
  const cidrList = parseCidrs(sent.cidr_list ?? [], 'cidr_list');
  if (!withinCidrs(cidrList, role.secret_id_bound_cidrs)) {
    throw new ArcaError('invalid_request', 'failed to verify the CIDR restrictions set on the secret ID: "cidr_list" must be within the role\'s secret_id_bound_cidrs');
  }
  const tokenCidrs = parseCidrs(sent.token_bound_cidrs ?? [], 'token_bound_cidrs');
  if (!withinCidrs(tokenCidrs, role.token.token_bound_cidrs)) {
    throw new ArcaError('invalid_request', '"token_bound_cidrs" must be within the role\'s token_bound_cidrs');
  }
  const ttl = sent.ttl === undefined || sent.ttl === 0 ? role.secret_id_ttl : sent.ttl;
  if (role.secret_id_ttl > 0 && ttl > role.secret_id_ttl) throw new ArcaError('invalid_request', "ttl cannot be longer than the role's secret_id_ttl");
  const numUses = sent.num_uses ?? role.secret_id_num_uses;
  if (role.secret_id_num_uses > 0 && (numUses === 0 || numUses > role.secret_id_num_uses)) {
    throw new ArcaError('invalid_request', "num_uses cannot be higher than the role's secret_id_num_uses");
  }
  return {
    secret_id_accessor: randomUUID(),
    metadata: checkMetadata(sent.metadata ?? {}),
    cidr_list: cidrList,
    token_bound_cidrs: tokenCidrs,
    secret_id_num_uses: numUses,
    secret_id_ttl: ttl,
    creation_time: now,
    expiration_time: ttl > 0 ? now + ttl * 1000 : 0,
    last_updated_time: now,
  };
}

async function issue(key: MountKey, ctx: HandlerContext<GenerateValues>, secretId: string): Promise<Record<string, unknown>> {
  const name = checkRoleName(ctx.fields.role_name);
  const hmac = (await key.hasher())(secretId);
  const entry = await ctx.storage.transaction(async (tx) => {
    const role = await requireRole(tx, name);
    const fresh = newEntry(role, ctx.fields, ctx.clock.now());
    if ((await getSecretId(tx, name, hmac)) !== undefined) throw new ArcaError('invalid_request', 'secret_id is already registered');
    await putSecretId(tx, name, hmac, fresh);
    return fresh;
  });
  return {
    secret_id: secretId,
    secret_id_accessor: entry.secret_id_accessor,
    secret_id_ttl: entry.secret_id_ttl,
    secret_id_num_uses: entry.secret_id_num_uses,
  };
}

export function pathSecretId(key: MountKey): AnyPathSpec {
  return definePath({
    pattern: `role/(?<role_name>${ROLE_NAME_PATTERN})/secret-id/?`,
    fields: generateFields,
    summary: 'Generate a secret-id for a role, or list the accessors of its secret-ids.',
    operations: {
      update: async (ctx) => ({ data: await issue(key, ctx, randomUUID()) }),
      list: async ({ storage, fields }) => {
        const name = checkRoleName(fields.role_name);
        if ((await getRole(storage, name)) === undefined) throw new ArcaError('invalid_request', `role ${JSON.stringify(name)} does not exist`);
        const keys = await storage.list(accessorPrefix(name));
        return keys.length === 0 ? undefined : { data: { keys } };
      },
    },
  });
}

export function pathCustomSecretId(key: MountKey): AnyPathSpec {
  return definePath({
    pattern: `role/(?<role_name>${ROLE_NAME_PATTERN})/custom-secret-id`,
    fields: customFields,
    summary: 'Register a caller-chosen secret-id for a role.',
    operations: {
      update: async (ctx) => ({ data: await issue(key, ctx, checkCredentialId(ctx.fields.secret_id, 'secret_id')) }),
    },
  });
}
