// src/core/mfa — identity/mfa/method/totp[/...] (Vault's login-MFA TOTP methods): create,
// read, update, delete and list methods; `generate` enrols the caller's own entity,
// `admin-generate` / `admin-destroy` act on a named entity. Also the type-less
// identity/mfa/method[/:id] views. Mounted inside the identity backend via mfaIdentityPaths.
// A token of a merged-away entity enrols the merge target (see entity-redirects.ts).
import { randomUUID } from 'node:crypto';
import { ArcaError } from '../../lib/errors.js';
import { definePath } from '../../framework/path-spec.js';
import type { AnyPathSpec } from '../../framework/path-spec.js';
import { field } from '../../framework/field.js';
import type { LogicalResponse } from '../../framework/logical.js';
import { callerEntityId, namedEntityId } from './entity-redirects.js';
import type { EntityRedirects } from './entity-redirects.js';
import type { MfaManager } from './mfa-manager.js';
import { TOTP_ALGORITHMS, renderTotpMethod } from './totp-method.js';
import type { TotpMethod } from './totp-method.js';

const methodFields = {
  method_name: field.string().optional('A unique name for the method'),
  issuer: field.string().optional('The name of the key issuer, shown by authenticator apps'),
  period: field.duration().optional('Seconds each code is valid (default 30)'),
  key_size: field.int(16, 64).optional('Bytes of the generated secret (default 20)'),
  qr_size: field.int(0, 2000).optional('Pixels of the QR code image; 0 for none (default 200)'),
  algorithm: field.enum(TOTP_ALGORITHMS).optional('SHA1 (default), SHA256 or SHA512'),
  digits: field.int(6, 8).optional('Digits per code: 6 (default) or 8'),
  skew: field.int(0, 1).optional('Periods of clock skew accepted: 0 or 1 (default 1)'),
  max_validation_attempts: field.int(-1, 1000).optional('Consecutive failures allowed (default 5)'),
};

type MethodFieldValues = { [K in keyof typeof methodFields]: ReturnType<(typeof methodFields)[K]['parse']> };

/** Applies sent fields over `base` (Vault defaults on create) with Vault's bounds. */
function buildMethod(base: TotpMethod, f: MethodFieldValues, now: number): TotpMethod {
  const digits = f.digits ?? base.digits;
  if (digits !== 6 && digits !== 8) throw new ArcaError('invalid_request', 'digits can only be 6 or 8');
  const period = f.period ?? base.period;
  if (period < 1 || period > 3600) throw new ArcaError('invalid_request', 'period must be between 1 and 3600 seconds');
  const issuer = f.issuer ?? base.issuer;
  if (issuer.trim() === '') throw new ArcaError('invalid_request', 'issuer must be set');
  if (issuer.length > 256) throw new ArcaError('invalid_request', 'issuer must be at most 256 characters');
  const name = f.method_name ?? base.name;
  if (name !== '' && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(name)) {
    throw new ArcaError('invalid_request', 'method_name may only contain letters, digits, "_", "." and "-"');
  }
  const attempts = f.max_validation_attempts ?? base.maxValidationAttempts;
  return {
    ...base,
    name,
    issuer,
    period,
    digits,
    keySize: f.key_size ?? base.keySize,
    qrSize: f.qr_size ?? base.qrSize,
    algorithm: f.algorithm ?? base.algorithm,
    skew: (f.skew ?? base.skew) === 0 ? 0 : 1,
    maxValidationAttempts: attempts <= 0 ? 5 : attempts,
    updateTime: now,
  };
}

function defaults(now: number): TotpMethod {
  return {
    id: randomUUID(), name: '', issuer: '', period: 30, keySize: 20, qrSize: 200, algorithm: 'SHA1', digits: 6, skew: 1,
    maxValidationAttempts: 5, creationTime: now, updateTime: now,
  };
}

async function listMethods(manager: MfaManager): Promise<LogicalResponse | undefined> {
  const methods = await manager.store.listMethods();
  if (methods.length === 0) return undefined;
  return {
    data: {
      keys: methods.map((m) => m.id),
      key_info: Object.fromEntries(methods.map((m) => [m.id, renderTotpMethod(m)])),
    },
  };
}

async function enrol(manager: MfaManager, methodId: string, entityId: string): Promise<LogicalResponse> {
  const out = await manager.generate(methodId, entityId);
  if (!out) return { warnings: [`Entity already has a secret for MFA method "${methodId}"`] };
  return { data: { url: out.url, barcode: out.barcode } };
}

export function mfaMethodPaths(manager: MfaManager, redirects: EntityRedirects): AnyPathSpec[] {
  const enrolFields = { method_id: field.string().required('The TOTP method to enrol in') };
  const adminFields = { ...enrolFields, entity_id: field.string().required('The entity to act on') };
  return [
    definePath({
      pattern: 'mfa/method/totp/?',
      fields: methodFields,
      operations: {
        list: () => listMethods(manager),
        update: async ({ fields, clock }) => {
          const method = buildMethod(defaults(clock.now()), fields, clock.now());
          await manager.store.putMethod(method);
          return { data: { method_id: method.id } };
        },
      },
      summary: 'Create or list TOTP MFA methods',
    }),
    definePath({
      pattern: 'mfa/method/totp/generate',
      fields: enrolFields,
      operations: {
        update: async ({ req, fields }) => enrol(manager, fields.method_id, await callerEntityId(redirects, req.auth?.entityId ?? '')),
      },
      summary: "Enrol the caller's entity in a TOTP method",
    }),
    definePath({
      pattern: 'mfa/method/totp/admin-generate',
      fields: adminFields,
      operations: { update: async ({ fields }) => enrol(manager, fields.method_id, await namedEntityId(redirects, fields.entity_id)) },
      summary: 'Enrol an entity in a TOTP method',
    }),
    definePath({
      pattern: 'mfa/method/totp/admin-destroy',
      fields: adminFields,
      operations: {
        update: async ({ fields }) => {
          await manager.destroy(fields.method_id, await namedEntityId(redirects, fields.entity_id));
          return undefined;
        },
      },
      summary: "Delete an entity's TOTP secret",
    }),
    definePath({
      pattern: 'mfa/method/totp/(?<method_id>[^/]+)',
      fields: { method_id: field.string().required(), ...methodFields },
      operations: {
        read: async ({ fields }) => {
          const m = await manager.store.getMethod(fields.method_id);
          return m ? { data: renderTotpMethod(m) } : undefined;
        },
        update: async ({ fields, clock }) => {
          const existing = await manager.store.getMethod(fields.method_id);
          if (!existing) throw new ArcaError('not_found', `MFA method "${fields.method_id}" does not exist`);
          const method = buildMethod(existing, fields, clock.now());
          await manager.store.putMethod(method);
          return { data: { method_id: method.id } };
        },
        delete: async ({ fields }) => {
          await manager.store.deleteMethod(fields.method_id);
          return undefined;
        },
      },
      existenceCheck: async ({ fields }) => (await manager.store.getMethod(fields.method_id)) !== undefined,
      summary: 'Read, update or delete a TOTP MFA method',
    }),
    definePath({
      pattern: 'mfa/method/?',
      fields: {},
      operations: { list: () => listMethods(manager) },
      summary: 'List every MFA method',
    }),
    definePath({
      pattern: 'mfa/method/(?<method_id>[^/]+)',
      fields: { method_id: field.string().required() },
      operations: {
        read: async ({ fields }) => {
          const m = await manager.store.getMethod(fields.method_id);
          return m ? { data: renderTotpMethod(m) } : undefined;
        },
      },
      summary: 'Read an MFA method of any type',
    }),
  ];
}
