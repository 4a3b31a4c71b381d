// src/cli — the frame shared by every API command: it parses the command's flags plus
// the common ones (-address, -format, -field), checks the argument count, hands the body a
// context with a lazily built client, and turns failures into Vault's messages and exit
// codes: 1 for local errors (bad flags, wrong argument count, unreadable input), 2 for
// server errors, as Vault's CLI documents. Commands never write errors themselves.
import type { ArcaClient, HttpMethod } from '../client/arca-client.js';
import { ApiError } from '../client/arca-client.js';
import { CliFailure, apiFailure } from './cli-failure.js';
import type { CliIo, Command } from './command.js';
import { UsageError, parseFlags } from './flags.js';
import type { FlagSpecs, ParsedFlags } from './flags.js';
import { asRecord } from './json-shape.js';
import { Output, isOutputFormat } from './output.js';
import { resolveClient } from './resolve-client.js';

export const COMMON_FLAGS = {
  address: { kind: 'string' },
  // No default here: an absent -format falls back to $ARCA_FORMAT, $VAULT_FORMAT, then table.
  format: { kind: 'string' },
  field: { kind: 'string' },
  // Vault's HTTP options: TLS towards the server (resolve-client.ts: flags, then ARCA_/VAULT_ env).
  'ca-cert': { kind: 'string' },
  'ca-path': { kind: 'string' },
  'client-cert': { kind: 'string' },
  'client-key': { kind: 'string' },
  'tls-server-name': { kind: 'string' },
  'tls-skip-verify': { kind: 'bool' },
} as const;

const COMMON_USAGE = `
Common options:
  -address=<url>      Server address (default: $ARCA_ADDR, $VAULT_ADDR, http://127.0.0.1:8200)
  -format=<format>    Output format: table, json or yaml
                      (default: $ARCA_FORMAT, $VAULT_FORMAT, table)
  -field=<name>       Print only this field's raw value
  -ca-cert=<file>     PEM CA certificate(s) to verify the server with, instead of the
                      system's (default: $ARCA_CACERT, $VAULT_CACERT); wins over -ca-path
  -ca-path=<dir>      Directory of PEM CA certificates (default: $ARCA_CAPATH, $VAULT_CAPATH)
  -client-cert=<file> PEM client certificate for TLS authentication; needs -client-key
                      (default: $ARCA_CLIENT_CERT, $VAULT_CLIENT_CERT)
  -client-key=<file>  PEM private key of -client-cert
                      (default: $ARCA_CLIENT_KEY, $VAULT_CLIENT_KEY)
  -tls-server-name=<name>
                      Name to send as SNI and to verify the server's certificate against
                      (default: $ARCA_TLS_SERVER_NAME, $VAULT_TLS_SERVER_NAME)
  -tls-skip-verify    Do not verify the server's certificate: highly discouraged
                      (default: $ARCA_SKIP_VERIFY, $VAULT_SKIP_VERIFY, false)`;

export type CommandFlags<T extends FlagSpecs> = ParsedFlags<T & typeof COMMON_FLAGS>;

export interface CommandContext<T extends FlagSpecs> {
  readonly io: CliIo;
  readonly flags: CommandFlags<T>;
  readonly args: readonly string[];
  readonly out: Output;
  client(): ArcaClient;
  /** One API request; any failure becomes `Error <doing>: ...`. Resolves to the JSON body (undefined when empty). */
  call(doing: string, method: HttpMethod, path: string, body?: unknown, headers?: Record<string, string>): Promise<unknown>;
  /** Like `call`, but a 404 whose body carries no data resolves to null (Vault's "No value found"). */
  callOrMissing(doing: string, method: HttpMethod, path: string, body?: unknown): Promise<unknown>;
}

export interface CommandDefinition<T extends FlagSpecs> {
  readonly words: readonly string[];
  readonly summary: string;
  readonly usage: string;
  readonly flags: T;
  /** Allowed number of positional arguments, inclusive. */
  readonly args: readonly [min: number, max: number];
  /**
   * Accepts Vault's -wrap-ttl: `call` and `callOrMissing` then ask the server to wrap the
   * answer (X-Vault-Wrap-TTL). Requests made through `client()` directly (the KV preflight,
   * pre-reads) are never wrapped.
   */
  readonly wraps?: boolean;
  run(ctx: CommandContext<T>): Promise<number>;
}

const WRAP_FLAG = { 'wrap-ttl': { kind: 'string' } } as const;
const WRAP_USAGE = `
  -wrap-ttl=<duration>  Wrap the response in a single-use token with this TTL`;

export function defineCommand<T extends FlagSpecs>(def: CommandDefinition<T>): Command {
  const usage = `${def.usage.trimEnd()}\n${def.wraps === true ? WRAP_USAGE : ''}${COMMON_USAGE}\n`;
  return {
    words: def.words,
    summary: def.summary,
    usage,
    async run(argv: readonly string[], io: CliIo): Promise<number> {
      try {
        const ctx = buildContext(def, argv, io);
        return await def.run(ctx);
      } catch (err) {
        return reportFailure(err, io, usage);
      }
    },
  };
}

function buildContext<T extends FlagSpecs>(def: CommandDefinition<T>, argv: readonly string[], io: CliIo): CommandContext<T> {
  const specs = { ...COMMON_FLAGS, ...(def.wraps === true ? WRAP_FLAG : {}), ...def.flags };
  const parsed = parseFlags(argv, specs);
  const flags = parsed.flags as CommandFlags<T>;
  const common = parsed.flags as ParsedFlags<typeof COMMON_FLAGS>;
  const wrapTtl = nonEmpty((parsed.flags as ParsedFlags<typeof WRAP_FLAG>)['wrap-ttl']);
  const wrapHeaders: Record<string, string> = wrapTtl !== undefined ? { 'X-Vault-Wrap-TTL': wrapTtl } : {};
  const format = nonEmpty(common.format) ?? nonEmpty(io.env['ARCA_FORMAT']) ?? nonEmpty(io.env['VAULT_FORMAT']) ?? 'table';
  if (!isOutputFormat(format)) throw new UsageError(`Invalid output format: ${JSON.stringify(format)} (use table, json or yaml)`);
  const [min, max] = def.args;
  const n = parsed.positional.length;
  if (n < min) throw new UsageError(`Not enough arguments (expected ${min === max ? min : `at least ${min}`}, got ${n})`);
  if (n > max) throw new UsageError(`Too many arguments (expected ${min === max ? max : `at most ${max}`}, got ${n})`);
  let client: ArcaClient | undefined;
  const getClient = (): ArcaClient => (client ??= resolveClient(io, common.address, common));
  const call = async (doing: string, method: HttpMethod, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> => {
    try {
      return (await getClient().request(method, path, body, { ...wrapHeaders, ...headers })).body;
    } catch (err) {
      throw apiFailure(doing, err);
    }
  };
  return {
    io,
    flags,
    args: parsed.positional,
    out: new Output(io, format, common.field),
    client: getClient,
    call,
    async callOrMissing(doing, method, path, body) {
      try {
        return (await getClient().request(method, path, body, wrapHeaders)).body;
      } catch (err) {
        if (err instanceof ApiError && err.status === 404 && asRecord(asRecord(err.body)?.['data']) === undefined) return null;
        if (err instanceof ApiError && err.status === 404) return err.body;
        throw apiFailure(doing, err);
      }
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value !== '' ? value : undefined;
}

function reportFailure(err: unknown, io: CliIo, usage: string): number {
  if (err instanceof UsageError) {
    io.stderr.write(`${err.message}\n\n${usage}`);
    return 1;
  }
  if (err instanceof CliFailure) {
    io.stderr.write(`${err.message}\n`);
    return err.exitCode;
  }
  io.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
  return 2;
}
