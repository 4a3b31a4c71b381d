// src/core — wraps every login (a path that declares `loginAccount` on an auth mount):
// refuses it while the client address is throttled or the account is locked, counts a
// failure when the method answers 400/403, and clears the account's count on success.
// Locked and throttled attempts get one generic 429 that never says whether the account
// exists; the method's own failure text is unchanged.
import { ArcaError, isArcaError } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import type { StorageView } from '../storage/storage-view.js';
import type { LogicalRequest } from '../framework/logical.js';
import type { MountEntry } from './router/mount-entry.js';
import type { CoreResponse } from './core-response.js';
import { LoginLockout } from './lockout/login-lockout.js';
import { AddressThrottle } from './lockout/address-throttle.js';
import { resolveLockout } from './lockout/lockout-config.js';

const REFUSED = 'too many failed login attempts; try again later';

export class LoginGuard {
  readonly lockout: LoginLockout;
  private readonly throttle: AddressThrottle;

  constructor(storage: StorageView, clock: Clock) {
    this.lockout = new LoginLockout(storage, clock);
    this.throttle = new AddressThrottle(clock);
  }

  /** `account` undefined: the path has no lockable account; only the address is throttled. */
  async run(req: LogicalRequest, mount: MountEntry, account: string | undefined, login: () => Promise<CoreResponse | undefined>): Promise<CoreResponse | undefined> {
    const cfg = resolveLockout(mount.config.user_lockout_config);
    if (this.throttle.blocked(req.remoteAddress) || (account !== undefined && (await this.lockout.isLocked(mount.accessor, account, cfg)))) {
      throw new ArcaError('rate_limited', REFUSED);
    }
    let res: CoreResponse | undefined;
    try {
      res = await login();
    } catch (err) {
      if (isArcaError(err) && (err.status === 400 || err.status === 403)) {
        this.throttle.fail(req.remoteAddress);
        if (account !== undefined) await this.lockout.recordFailure(mount.accessor, account, cfg);
      }
      throw err;
    }
    if (res?.auth && account !== undefined) await this.lockout.recordSuccess(mount.accessor, account);
    return res;
  }
}
