// src/cli — Vault's default token helper: the token of the last `login` lives in one file,
// `~/.arca-token` (HOME taken from the command's environment), readable only by its owner.
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const TOKEN_FILE_NAME = '.arca-token';

export class TokenHelper {
  readonly path: string;

  constructor(home: string) {
    this.path = join(home, TOKEN_FILE_NAME);
  }

  static fromEnv(env: Readonly<Record<string, string | undefined>>): TokenHelper {
    const home = env['HOME'];
    return new TokenHelper(home !== undefined && home !== '' ? home : homedir());
  }

  /** The stored token, or undefined when none was stored (or the file is empty). */
  read(): string | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const token = text.trim();
    return token === '' ? undefined : token;
  }

  /** Writes the token with mode 0600; chmod also tightens a file that existed before. */
  store(token: string): void {
    writeFileSync(this.path, token, { mode: 0o600 });
    chmodSync(this.path, 0o600);
  }

  erase(): void {
    rmSync(this.path, { force: true });
  }
}
