// src/cli — where a command's server, token and TLS settings come from, in Vault's order:
// address: -address flag, ARCA_ADDR, VAULT_ADDR, http://127.0.0.1:8200;
// token: ARCA_TOKEN, VAULT_TOKEN, then the token helper file written by `arca login`;
// TLS: the -ca-cert/-ca-path/-client-cert/-client-key/-tls-server-name/-tls-skip-verify
// flags, else ARCA_CACERT, ARCA_CAPATH, ARCA_CLIENT_CERT, ARCA_CLIENT_KEY,
// ARCA_TLS_SERVER_NAME, ARCA_SKIP_VERIFY, else their VAULT_ names (a non-empty ARCA_ value wins).
import { ArcaClient } from '../client/arca-client.js';
import { ClientTlsError } from '../client/client-tls.js';
import type { ClientTlsConfig } from '../client/client-tls.js';
import { CliFailure } from './cli-failure.js';
import type { CliIo } from './command.js';
import { TokenHelper } from './token-helper.js';

export const DEFAULT_ADDRESS = 'http://127.0.0.1:8200';

/** The TLS flags as a command parsed them (absent = not given). */
export interface TlsFlags {
  readonly 'ca-cert'?: string | undefined;
  readonly 'ca-path'?: string | undefined;
  readonly 'client-cert'?: string | undefined;
  readonly 'client-key'?: string | undefined;
  readonly 'tls-server-name'?: string | undefined;
  readonly 'tls-skip-verify'?: boolean | undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value !== '' ? value : undefined;
}

function fromEnv(io: CliIo, suffix: string): string | undefined {
  return nonEmpty(io.env[`ARCA_${suffix}`]) ?? nonEmpty(io.env[`VAULT_${suffix}`]);
}

export function resolveAddress(io: CliIo, flag: string | undefined): string {
  return nonEmpty(flag) ?? fromEnv(io, 'ADDR') ?? DEFAULT_ADDRESS;
}

/** The token from the environment only (login warns when one is set, as Vault does). */
export function envToken(io: CliIo): string | undefined {
  return fromEnv(io, 'TOKEN');
}

/** Go's strconv.ParseBool, which Vault uses for VAULT_SKIP_VERIFY. */
function parseEnvBool(io: CliIo, suffix: string): boolean | undefined {
  const name = nonEmpty(io.env[`ARCA_${suffix}`]) !== undefined ? `ARCA_${suffix}` : `VAULT_${suffix}`;
  const value = fromEnv(io, suffix);
  if (value === undefined) return undefined;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  throw new CliFailure(`Error reading environment: could not parse ${name} (use true or false)`, 2);
}

/**
 * Flags override the environment. As in Vault (whose flags replace the CA pool and the client
 * key pair as a whole), -ca-cert/-ca-path replace both CA settings from the environment and
 * -client-cert/-client-key both client settings; an explicit -tls-skip-verify=false also
 * turns verification back on over ARCA_/VAULT_SKIP_VERIFY.
 */
export function resolveTls(io: CliIo, flags: TlsFlags): ClientTlsConfig {
  const caFlags = nonEmpty(flags['ca-cert']) !== undefined || nonEmpty(flags['ca-path']) !== undefined;
  const clientFlags = nonEmpty(flags['client-cert']) !== undefined || nonEmpty(flags['client-key']) !== undefined;
  return {
    caCert: caFlags ? nonEmpty(flags['ca-cert']) : fromEnv(io, 'CACERT'),
    caPath: caFlags ? nonEmpty(flags['ca-path']) : fromEnv(io, 'CAPATH'),
    clientCert: clientFlags ? nonEmpty(flags['client-cert']) : fromEnv(io, 'CLIENT_CERT'),
    clientKey: clientFlags ? nonEmpty(flags['client-key']) : fromEnv(io, 'CLIENT_KEY'),
    serverName: nonEmpty(flags['tls-server-name']) ?? fromEnv(io, 'TLS_SERVER_NAME'),
    skipVerify: flags['tls-skip-verify'] ?? parseEnvBool(io, 'SKIP_VERIFY') ?? false,
  };
}

/** Builds the client; an unusable TLS file or setting is a CliFailure (exit 2, as Vault's "failed to setup TLS config"). */
export function resolveClient(io: CliIo, addressFlag: string | undefined, tlsFlags: TlsFlags = {}): ArcaClient {
  const token = envToken(io) ?? TokenHelper.fromEnv(io.env).read();
  const tls = resolveTls(io, tlsFlags);
  try {
    return new ArcaClient({ address: resolveAddress(io, addressFlag), token, tls });
  } catch (err) {
    if (err instanceof ClientTlsError) throw new CliFailure(`Error setting up TLS: ${err.message}`, 2);
    throw err;
  }
}
