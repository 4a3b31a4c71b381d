// src/cli — where a command's server and token come from, in Vault's order:
// address: -address flag, ARCA_ADDR, VAULT_ADDR, http://127.0.0.1:8200;
// token: ARCA_TOKEN, VAULT_TOKEN, then the token helper file written by `arca login`.
import { ArcaClient } from '../client/arca-client.js';
import type { CliIo } from './command.js';
import { TokenHelper } from './token-helper.js';

export const DEFAULT_ADDRESS = 'http://127.0.0.1:8200';

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value !== '' ? value : undefined;
}

export function resolveAddress(io: CliIo, flag: string | undefined): string {
  return nonEmpty(flag) ?? nonEmpty(io.env['ARCA_ADDR']) ?? nonEmpty(io.env['VAULT_ADDR']) ?? DEFAULT_ADDRESS;
}

/** The token from the environment only (login warns when one is set, as Vault does). */
export function envToken(io: CliIo): string | undefined {
  return nonEmpty(io.env['ARCA_TOKEN']) ?? nonEmpty(io.env['VAULT_TOKEN']);
}

export function resolveClient(io: CliIo, addressFlag: string | undefined): ArcaClient {
  const token = envToken(io) ?? TokenHelper.fromEnv(io.env).read();
  return new ArcaClient({ address: resolveAddress(io, addressFlag), token });
}
