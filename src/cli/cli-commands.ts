// src/cli — the table of the client commands (everything but `server` and `scan`, which
// src/main/cli.ts adds). Tests dispatch against this table with runCli.
import { auditCommands } from './audit-commands.js';
import type { Command } from './command.js';
import { genericCommands } from './generic-commands.js';
import { kvCommands } from './kv-commands.js';
import { kvMetadataCommands } from './kv-metadata-commands.js';
import { kvVersionCommands } from './kv-version-commands.js';
import { leaseCommands } from './lease-commands.js';
import { loginCommand } from './login-command.js';
import { operatorCommands } from './operator-commands.js';
import { policyCommands } from './policy-commands.js';
import { secretsCommands } from './secrets-commands.js';
import { authCommands } from './auth-commands.js';
import { accessCommands } from './access-commands.js';
import { mfaEnrollCommand } from './mfa-enroll-command.js';
import { statusCommand } from './status-command.js';
import { tokenCommands } from './token-commands.js';

export const cliCommands: readonly Command[] = [
  statusCommand,
  loginCommand,
  ...operatorCommands,
  ...tokenCommands,
  ...secretsCommands,
  ...authCommands,
  ...accessCommands,
  mfaEnrollCommand,
  ...kvCommands,
  ...kvVersionCommands,
  ...kvMetadataCommands,
  ...policyCommands,
  ...auditCommands,
  ...leaseCommands,
  ...genericCommands,
];
