// src/core — joins the seal state machine (src/core/seal) to the core's lifecycle: a
// successful unseal builds the subsystems, sealing tears them down first. Initialisation
// unseals once to mint the initial root token; with Shamir keys the node then seals again
// (as Vault does), with the key-file seal it stays unsealed.
import type { SealManager, SealStatus } from './seal/seal-manager.js';
import type { ShareRequest } from './seal/seal-config.js';
import type { RekeyResult, RekeyStatus } from './seal/rekey-manager.js';
import type { Core } from './core.js';

export interface InitResponse {
  readonly keys: string[];
  readonly keys_base64: string[];
  readonly root_token: string;
}

export class SealController {
  readonly manager: SealManager;
  private readonly core: Core;
  private readonly autoUnseal: boolean;
  private transition: Promise<unknown> = Promise.resolve();

  constructor(core: Core, manager: SealManager, options: { autoUnseal: boolean }) {
    this.core = core;
    this.manager = manager;
    this.autoUnseal = options.autoUnseal;
  }

  status(): Promise<SealStatus> {
    return this.manager.status();
  }

  async initialize(req: ShareRequest, rootTokenId?: string): Promise<InitResponse> {
    return this.serial(async () => {
      const result = await this.manager.initialize(req);
      try {
        if (this.core.barrier.sealed) await this.core.barrier.unseal(result.rootKey);
      } finally {
        result.rootKey.fill(0);
      }
      await this.core.postUnseal();
      const root = (await this.core.tokens.createRoot(rootTokenId)).token;
      if (!this.autoUnseal) {
        await this.core.preSeal();
        await this.manager.seal();
      }
      return { keys: result.keys, keys_base64: result.keys_base64, root_token: root };
    });
  }

  async unseal(key: string | undefined, reset: boolean): Promise<SealStatus> {
    return this.serial(async () => {
      const status = await this.manager.submitUnsealKey(key, reset);
      if (!status.sealed && this.core.sealed) await this.core.postUnseal();
      return status;
    });
  }

  /** Key-file seal: unseal from the stored root key (at start-up). */
  async unsealFromKeyFile(): Promise<SealStatus> {
    return this.serial(async () => {
      const status = await this.manager.autoUnseal();
      if (!status.sealed && this.core.sealed) await this.core.postUnseal();
      return status;
    });
  }

  async seal(): Promise<void> {
    return this.serial(async () => {
      await this.core.preSeal();
      await this.manager.seal();
    });
  }

  rekeyStatus(): Promise<RekeyStatus> {
    return this.manager.rekeyStatus();
  }

  rekeyInit(req: ShareRequest): Promise<RekeyStatus> {
    return this.manager.rekeyInit(req);
  }

  rekeyUpdate(key: string, nonce: string): Promise<RekeyStatus | RekeyResult> {
    return this.manager.rekeyUpdate(key, nonce);
  }

  rekeyCancel(): Promise<void> {
    return this.manager.rekeyCancel();
  }

  /** Seal transitions never interleave. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.transition.then(fn, fn);
    this.transition = next.catch(() => undefined);
    return next;
  }
}
