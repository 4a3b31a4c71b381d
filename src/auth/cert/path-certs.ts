// src/auth/cert — `certs/<name>` (create/update/read/delete a trusted certificate role)
// and LIST `certs/`. Names are lower-cased as Vault does. A write merges into the stored
// role; `certificate` is required on create and must hold at least one certificate, and a
// pinned (non-CA) certificate with an extended key usage must allow client authentication.
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import { ArcaError } from '../../lib/errors.js';
import { mergeTokenParams, tokenFields } from '../token-fields.js';
import { emptyRole, listRoles, readRole, roleResponse, writeRole, ROLE_PREFIX } from './cert-role.js';
import type { CertRole } from './cert-role.js';
import { parsePemBundle } from './parse-pem-bundle.js';
import { allowsClientAuth } from './verify-chain.js';
import { parseRequiredExtension } from './match-constraints.js';

const MAX_LIST = 256;
const MAX_ITEM = 1024;

const list = (description: string) => field.strings().optional(description);

const roleFields = {
  name: field.string().required('Name of the trusted certificate role.'),
  certificate: field.string().optional('PEM CA certificate(s) to trust, or a client certificate to pin.'),
  display_name: field.string().optional('Display name of issued tokens (default: the role name).'),
  allowed_names: list('Globs matched against the common name, DNS and email SANs.'),
  allowed_common_names: list('Globs matched against the common name.'),
  allowed_dns_sans: list('Globs matched against DNS SANs.'),
  allowed_email_sans: list('Globs matched against email SANs.'),
  allowed_uri_sans: list('Globs matched against URI SANs.'),
  allowed_organizational_units: list('Globs matched against the subject OUs.'),
  required_extensions: list('"oid:glob" or "hex:oid:glob" the certificate must carry.'),
  allowed_metadata_extensions: list('Extension OIDs copied into token metadata.'),
  ocsp_enabled: field.bool().optional('Not supported: true is refused.'),
  ocsp_ca_certificates: field.string().optional('Accepted and ignored (OCSP is not supported).'),
  ocsp_servers_override: list('Accepted and ignored (OCSP is not supported).'),
  ocsp_fail_open: field.bool().optional('Accepted and ignored (OCSP is not supported).'),
  ocsp_query_all_servers: field.bool().optional('Accepted and ignored (OCSP is not supported).'),
  ...tokenFields,
};

type ListField = Exclude<keyof CertRole, 'name' | 'certificate' | 'display_name' | 'token'>;
const LIST_FIELDS: readonly ListField[] = [
  'allowed_names', 'allowed_common_names', 'allowed_dns_sans', 'allowed_email_sans', 'allowed_uri_sans',
  'allowed_organizational_units', 'required_extensions', 'allowed_metadata_extensions',
];

function checkList(name: string, values: readonly string[]): string[] {
  if (values.length > MAX_LIST) throw new ArcaError('invalid_request', `"${name}" takes at most ${MAX_LIST} entries`);
  if (values.some((v) => v.length > MAX_ITEM)) throw new ArcaError('invalid_request', `"${name}" entries are at most ${MAX_ITEM} characters`);
  return values.filter((v) => v !== '');
}

function checkCertificate(pem: string): void {
  const certs = parsePemBundle(pem);
  const first = certs[0];
  if (first && !first.ca && !allowsClientAuth(first)) {
    throw new ArcaError('invalid_request', 'nonCA certificates should have TLS client authentication set as an extended key usage');
  }
}

export const pathCerts: AnyPathSpec = definePath({
  pattern: `certs/(?<name>\\w(?:[\\w.-]*\\w)?)`,
  fields: roleFields,
  summary: 'Manage trusted certificates used for authentication.',
  existenceCheck: async (ctx) => (await readRole(ctx.storage, ctx.fields.name.toLowerCase())) !== undefined,
  operations: {
    read: async (ctx) => {
      const role = await readRole(ctx.storage, ctx.fields.name.toLowerCase());
      return role ? { data: roleResponse(role) } : undefined;
    },
    delete: async (ctx) => {
      await ctx.storage.delete(ROLE_PREFIX + ctx.fields.name.toLowerCase());
      return undefined;
    },
    update: async (ctx) => {
      const f = ctx.fields;
      const name = f.name.toLowerCase();
      const current = (await readRole(ctx.storage, name)) ?? emptyRole(name);
      if (f.ocsp_enabled === true) throw new ArcaError('invalid_request', 'OCSP checking is not supported by this server');
      if (f.certificate !== undefined) checkCertificate(f.certificate);
      const next: { -readonly [K in keyof CertRole]: CertRole[K] } = { ...current };
      if (f.certificate !== undefined) next.certificate = f.certificate;
      if (next.certificate === '') throw new ArcaError('invalid_request', 'missing required field "certificate"');
      if (f.display_name !== undefined) next.display_name = f.display_name.slice(0, MAX_ITEM) || name;
      for (const key of LIST_FIELDS) {
        const sent = f[key];
        if (sent !== undefined) next[key] = checkList(key, sent);
      }
      const badExt = next.required_extensions.find((e) => parseRequiredExtension(e) === undefined);
      if (badExt !== undefined) throw new ArcaError('invalid_request', `invalid required_extensions entry ${JSON.stringify(badExt.slice(0, 64))}: expected "oid:value" or "hex:oid:value"`);
      next.token = mergeTokenParams(current.token, f);
      await writeRole(ctx.storage, next);
      return undefined;
    },
  },
});

export const pathCertsList: AnyPathSpec = definePath({
  pattern: 'certs/?',
  fields: {},
  summary: 'List trusted certificate roles.',
  operations: {
    list: async (ctx) => {
      const keys = await listRoles(ctx.storage);
      return keys.length === 0 ? undefined : { data: { keys } };
    },
  },
});
