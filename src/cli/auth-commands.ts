// src/cli — `arca auth enable|disable|list|tune|move` (see mount-commands.ts).
import type { Command } from './command.js';
import { AUTH, mountCommands } from './mount-commands.js';

export const authCommands: readonly Command[] = mountCommands(AUTH);
