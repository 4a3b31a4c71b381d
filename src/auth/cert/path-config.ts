// src/auth/cert — `config`: the mount's settings. enable_identity_alias_metadata is honoured
// (the login's metadata goes on the identity alias only when true), and so is disable_binding
// (a renewal does not ask for the login's certificate again). The cache sizes and
// enable_metadata_on_failures are stored and read back but change nothing.
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import type { StorageView } from '../../storage/storage-view.js';
import { field } from '../../framework/field.js';

export interface CertConfig {
  readonly disable_binding: boolean;
  readonly enable_identity_alias_metadata: boolean;
  readonly ocsp_cache_size: number;
  readonly role_cache_size: number;
  readonly enable_metadata_on_failures: boolean;
}

const DEFAULT_CONFIG: CertConfig = {
  disable_binding: false,
  enable_identity_alias_metadata: false,
  ocsp_cache_size: 100,
  role_cache_size: 200,
  enable_metadata_on_failures: false,
};

const CONFIG_KEY = 'config';

export async function readCertConfig(storage: StorageView): Promise<CertConfig> {
  return { ...DEFAULT_CONFIG, ...((await storage.getJson<Partial<CertConfig>>(CONFIG_KEY)) ?? {}) };
}

export const pathConfig: AnyPathSpec = definePath({
  pattern: 'config',
  fields: {
    disable_binding: field.bool().optional('Renewal skips presenting and re-verifying the login certificate.'),
    enable_identity_alias_metadata: field.bool().optional('Put the login metadata on the identity alias.'),
    ocsp_cache_size: field.int(2, 1_000_000).optional('Accepted and stored (OCSP is not supported).'),
    role_cache_size: field.int(-1, 1_000_000).optional('Accepted and stored (roles are read from storage).'),
    enable_metadata_on_failures: field.bool().optional('Accepted and stored.'),
  },
  summary: 'Configure the cert auth method.',
  operations: {
    read: async (ctx) => ({ data: { ...(await readCertConfig(ctx.storage)) } }),
    update: async (ctx) => {
      const current = await readCertConfig(ctx.storage);
      const f = ctx.fields;
      const next: CertConfig = {
        disable_binding: f.disable_binding ?? current.disable_binding,
        enable_identity_alias_metadata: f.enable_identity_alias_metadata ?? current.enable_identity_alias_metadata,
        ocsp_cache_size: f.ocsp_cache_size ?? current.ocsp_cache_size,
        role_cache_size: f.role_cache_size ?? current.role_cache_size,
        enable_metadata_on_failures: f.enable_metadata_on_failures ?? current.enable_metadata_on_failures,
      };
      await ctx.storage.putJson(CONFIG_KEY, next);
      return undefined;
    },
  },
});
