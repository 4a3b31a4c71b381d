// src/cli — the one way a command ends early with a message: throw CliFailure and the
// command frame (define-command.ts) prints `message` on stderr and exits with `exitCode`.
// Vault's CLI convention: 1 for local failures (usage, input), 2 for server errors; usage
// errors are thrown as UsageError (flags.ts) so they also print the command's usage.
import { ApiError } from '../client/arca-client.js';

export class CliFailure extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'CliFailure';
    this.exitCode = exitCode;
  }
}

/**
 * Turns a failed API call into Vault's wording: `Error <doing>: <server errors>`. Only the
 * server's error strings, the status and transport error codes are shown, never a request body.
 */
export function apiFailure(doing: string, err: unknown): CliFailure {
  if (err instanceof ApiError) {
    const lines = err.errors.length > 0 ? err.errors.map((e) => `* ${e}`).join('\n') : '* (no error message)';
    return new CliFailure(`Error ${doing}: Error making API request.\n\nCode: ${err.status}. Errors:\n\n${lines}`, 2);
  }
  if (err instanceof CliFailure) return err;
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return new CliFailure(`Error ${doing}: ${err.message}${cause}`, 2);
  }
  return new CliFailure(`Error ${doing}: ${String(err)}`, 2);
}
