// src/auth/userpass — the stored users of one userpass mount: `user/<username>` holds the
// argon2id hash and the token params. Usernames are lower-cased (Vault's userpass is
// case-insensitive); the path pattern only admits storage-safe names.
import { ArcaError } from '../../lib/errors.js';
import type { StorageView } from '../../storage/storage-view.js';
import type { TokenParams } from '../token-fields.js';

export interface UserEntry {
  readonly password_hash: string;
  readonly token: TokenParams;
}

/** Vault's framework.GenericNameRegex, with '@' as newer Vault allows. */
export const USERNAME_PATTERN = String.raw`\w(?:[\w.@-]*\w)?`;

const MAX_USERNAME = 256;
const USER_PREFIX = 'user/';

/** The stored form of a username from a path (lower-cased, bounded). */
export function normalizeUsername(raw: string): string {
  if (raw.length > MAX_USERNAME) throw new ArcaError('invalid_request', `username must be at most ${MAX_USERNAME} characters`);
  return raw.toLowerCase();
}

export class UserStore {
  constructor(private readonly storage: StorageView) {}

  get(username: string): Promise<UserEntry | undefined> {
    return this.storage.getJson<UserEntry>(USER_PREFIX + username);
  }

  put(username: string, entry: UserEntry): Promise<void> {
    return this.storage.putJson(USER_PREFIX + username, entry);
  }

  delete(username: string): Promise<void> {
    return this.storage.delete(USER_PREFIX + username);
  }

  list(): Promise<string[]> {
    return this.storage.list(USER_PREFIX);
  }
}
