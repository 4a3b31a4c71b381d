// src/auth/jwt — the server-side half of one browser login: between `oidc/auth_url` and
// `oidc/callback` the mount keeps, at `oidc-state/<state>`, the role, the redirect URI, the
// ID-token nonce, the PKCE code verifier and a digest of the caller's client_nonce. A state
// lives 10 minutes and is taken at most once (read and deleted in one transaction), so a
// replayed or stale callback fails. Expired records left by abandoned logins are swept a
// few at a time from a random point on each new login, keeping the work bounded.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { ArcaError } from '../../lib/errors.js';
import type { StorageView } from '../../storage/storage-view.js';

export const OIDC_STATE_TTL_MS = 10 * 60 * 1000;
const PREFIX = 'oidc-state/';
const SWEEP_BATCH = 16;
/** State values are the base64url of 32 random bytes. */
const STATE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface OidcState {
  readonly role: string;
  readonly redirectUri: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** SHA-256 (hex) of the client_nonce sent with auth_url; '' when none was sent. */
  readonly clientNonceHash: string;
  readonly expiresAt: number;
}

const random = (): string => randomBytes(32).toString('base64url');

export const hashClientNonce = (nonce: string): string => (nonce === '' ? '' : createHash('sha256').update(nonce, 'utf8').digest('hex'));

export class OidcStateStore {
  constructor(
    private readonly storage: StorageView,
    private readonly clock: Clock,
  ) {}

  /** Records a new login attempt; returns its state, nonce and PKCE challenge. */
  async create(input: { role: string; redirectUri: string; clientNonce: string }): Promise<{ state: string; nonce: string; codeChallenge: string }> {
    await this.sweep();
    const state = random();
    const record: OidcState = {
      role: input.role,
      redirectUri: input.redirectUri,
      nonce: random(),
      codeVerifier: random(),
      clientNonceHash: hashClientNonce(input.clientNonce),
      expiresAt: this.clock.now() + OIDC_STATE_TTL_MS,
    };
    await this.storage.putJson(PREFIX + state, record);
    const codeChallenge = createHash('sha256').update(record.codeVerifier, 'ascii').digest('base64url');
    return { state, nonce: record.nonce, codeChallenge };
  }

  /** Takes (and deletes) the state; an unknown, already used or expired one is a 400. */
  async take(state: string): Promise<OidcState> {
    if (!STATE_SHAPE.test(state)) throw expiredOrMissing();
    const record = await this.storage.transaction(async (tx) => {
      const found = await tx.getJson<OidcState>(PREFIX + state);
      if (found !== undefined) await tx.delete(PREFIX + state);
      return found;
    });
    if (record === undefined || record.expiresAt <= this.clock.now()) throw expiredOrMissing();
    return record;
  }

  /** Deletes up to a batch of expired records, starting at a random key. */
  private async sweep(): Promise<void> {
    const now = this.clock.now();
    const keys = await this.storage.scan(PREFIX, { after: PREFIX + random(), limit: SWEEP_BATCH });
    for (const key of keys) {
      const record = await this.storage.getJson<OidcState>(key);
      if (record !== undefined && record.expiresAt <= now) await this.storage.delete(key);
    }
  }
}

/** Vault's wording for an unknown, replayed or stale state. */
const expiredOrMissing = (): ArcaError => new ArcaError('invalid_request', 'Expired or missing OAuth state.');
