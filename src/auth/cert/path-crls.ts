// src/auth/cert — `crls/<name>` (write, read, delete a certificate revocation list) and LIST
// `crls/`, as Vault's cert method answers them: a write takes `crl` (PEM or base64 DER) and
// answers 204; a read answers `{cdp: null, serials: {"<decimal serial>": {}}}`; reading or
// deleting a missing CRL is a 400 "no such CRL <name>". Names are lower-cased. Vault's `url`
// (fetching the CRL from a distribution point) is refused: this server makes no outbound
// fetches for the cert method. The CRL's nextUpdate is ignored, as in Vault.
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import { ArcaError } from '../../lib/errors.js';
import { MAX_CRLS, parseCrlText } from './crl-store.js';
import type { CrlStore } from './crl-store.js';

export const URL_UNSUPPORTED = 'fetching a CRL from "url" is not supported by this server; send the CRL itself in "crl"';
export const CRL_OR_URL = "one of 'crl' or 'url' must be provided";

export function noSuchCrl(name: string): ArcaError {
  return new ArcaError('invalid_request', `no such CRL ${name}`);
}

export function pathCrls(crls: CrlStore): AnyPathSpec {
  return definePath({
    pattern: `crls/(?<name>\\w(?:[\\w.-]*\\w)?)`,
    fields: {
      name: field.string().required('Name of the CRL.'),
      crl: field.string().optional('The CRL, PEM ("X509 CRL") or base64 DER. Its expiry is ignored; delete it when no longer valid.'),
      url: field.string().optional('Not supported: a CRL distribution point URL is refused.'),
    },
    summary: 'Manage certificate revocation lists checked during authentication.',
    operations: {
      read: async (ctx) => {
        const name = ctx.fields.name.toLowerCase();
        const crl = await crls.read(ctx.storage, name);
        if (crl === undefined) throw noSuchCrl(name);
        const serials: Record<string, Record<string, never>> = {};
        for (const s of [...crl.serials].sort()) serials[s] = {};
        return { data: { cdp: null, serials } };
      },
      delete: async (ctx) => {
        const name = ctx.fields.name.toLowerCase();
        if (!(await crls.delete(ctx.storage, name))) throw noSuchCrl(name);
        return undefined;
      },
      update: async (ctx) => {
        const name = ctx.fields.name.toLowerCase();
        const { crl, url } = ctx.fields;
        if (crl === undefined) throw new ArcaError('invalid_request', url !== undefined ? URL_UNSUPPORTED : CRL_OR_URL);
        const der = parseCrlText(crl);
        const existing = await crls.list(ctx.storage);
        if (!existing.includes(name) && existing.length >= MAX_CRLS) {
          throw new ArcaError('invalid_request', `a cert mount holds at most ${MAX_CRLS} CRLs`);
        }
        await crls.write(ctx.storage, name, der);
        return undefined;
      },
    },
  });
}

export function pathCrlsList(crls: CrlStore): AnyPathSpec {
  return definePath({
    pattern: 'crls/?',
    fields: {},
    summary: 'List the certificate revocation lists.',
    operations: {
      list: async (ctx) => {
        const keys = await crls.list(ctx.storage);
        return keys.length === 0 ? undefined : { data: { keys } };
      },
    },
  });
}
