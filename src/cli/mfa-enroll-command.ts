// src/cli — `arca mfa totp enroll METHOD_ID`: self-enrolment of the caller's entity in a TOTP
// login-MFA method (identity/mfa/method/totp/generate). Shows the otpauth:// URL as a QR code
// in the terminal (or writes the server's PNG with -png), for an authenticator app to scan.
// The URL holds the TOTP secret: it is printed to the terminal only, never logged.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import QRCode from 'qrcode';
import type { Command } from './command.js';
import { CliFailure } from './cli-failure.js';
import { defineCommand } from './define-command.js';
import { asString, dataOf } from './json-shape.js';

export const mfaEnrollCommand: Command = defineCommand({
  words: ['mfa', 'totp', 'enroll'],
  summary: 'Enrol your identity in a TOTP login-MFA method (QR code)',
  usage: `Usage: arca mfa totp enroll [options] METHOD_ID

  Generates your TOTP secret for METHOD_ID and shows it as a QR code to scan with an
  authenticator app. An identity can enrol once per method; an administrator can reset it
  with identity/mfa/method/totp/admin-destroy.

  -png=<file>     Also write the QR code as a PNG file (mode 0600)
  -no-qr          Print only the otpauth:// URL`,
  flags: { png: { kind: 'string' }, 'no-qr': { kind: 'bool' } },
  args: [1, 1],
  async run(ctx) {
    const body = await ctx.call('enrolling', 'PUT', 'identity/mfa/method/totp/generate', { method_id: ctx.args[0] });
    const data = dataOf(body);
    const url = asString(data['url']);
    if (url === undefined || url === '') {
      throw new CliFailure('Error enrolling: this identity is already enrolled in that method (an administrator can reset it)', 2);
    }
    if (ctx.flags.png !== undefined) {
      const png = asString(data['barcode']) ?? '';
      writeFileSync(resolve(ctx.io.cwd, ctx.flags.png), Buffer.from(png, 'base64'), { mode: 0o600 });
    }
    if (ctx.out.isStructured) {
      ctx.out.structured({ url });
      return 0;
    }
    if (ctx.flags['no-qr'] !== true) ctx.out.print(await QRCode.toString(url, { type: 'terminal', small: true }));
    ctx.out.print(`Scan the code above, or enter this URL in your authenticator app:\n\n  ${url}\n`);
    return 0;
  },
});
