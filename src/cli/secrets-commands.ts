// src/cli — `arca secrets enable|disable|list|tune|move` (see mount-commands.ts).
import type { Command } from './command.js';
import { mountCommands, SECRETS } from './mount-commands.js';

export const secretsCommands: readonly Command[] = mountCommands(SECRETS);
