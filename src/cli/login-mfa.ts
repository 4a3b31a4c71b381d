// src/cli — the second step of `arca login` under login MFA. When a login answers with
// `auth.mfa_requirement` (no token yet), `completeMfaLogin` asks the person for one TOTP
// passcode per constraint (without echo), sends them to sys/mfa/validate and returns that
// response, which carries the real token. A login without a requirement passes through.
import type { HttpMethod } from '../client/arca-client.js';
import type { CliIo } from './command.js';
import { CliFailure } from './cli-failure.js';
import { asRecord, asString } from './json-shape.js';
import type { JsonRecord } from './json-shape.js';
import { promptHidden } from './prompt-hidden.js';

/** What the function needs of a command context (CommandContext satisfies it). */
export interface MfaLoginContext {
  readonly io: CliIo;
  call(doing: string, method: HttpMethod, path: string, body?: unknown): Promise<unknown>;
}

interface MethodChoice {
  readonly constraint: string;
  readonly id: string;
  readonly name: string;
}

/** The first passcode-based method of each constraint; a constraint without one cannot be met here. */
function chooseMethods(constraints: JsonRecord): MethodChoice[] {
  return Object.entries(constraints).map(([constraint, value]) => {
    const any = asRecord(value)?.['any'];
    const methods = Array.isArray(any) ? any.map(asRecord) : [];
    const pick = methods.find((m) => m?.['uses_passcode'] === true && typeof m['id'] === 'string');
    if (!pick) throw new CliFailure(`Error authenticating: MFA constraint "${constraint}" needs a method this CLI cannot prompt for`, 2);
    return { constraint, id: String(pick['id']), name: asString(pick['name']) ?? '' };
  });
}

export async function completeMfaLogin(ctx: MfaLoginContext, secret: JsonRecord): Promise<JsonRecord> {
  const requirement = asRecord(asRecord(secret['auth'])?.['mfa_requirement']);
  if (!requirement) return secret;
  const requestId = asString(requirement['mfa_request_id']);
  const constraints = asRecord(requirement['mfa_constraints']);
  if (requestId === undefined || !constraints) throw new CliFailure('Error authenticating: malformed MFA requirement in the login response', 2);
  const payload: Record<string, string[]> = {};
  for (const choice of chooseMethods(constraints)) {
    const label = choice.name !== '' ? `${choice.name} (${choice.id})` : choice.id;
    const code = (await promptHidden(ctx.io, `Enter the passcode for MFA method ${label} of type "totp": `)).trim();
    if (code === '') throw new CliFailure('Error authenticating: no MFA passcode given', 2);
    (payload[choice.id] ??= []).push(code);
  }
  const body = await ctx.call('validating MFA', 'PUT', 'sys/mfa/validate', { mfa_request_id: requestId, mfa_payload: payload });
  return asRecord(body) ?? {};
}
