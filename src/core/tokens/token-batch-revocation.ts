// src/core/tokens — revoking many token subtrees with few transactions. Used by the reaper
// for a whole batch of expired tokens and by TokenRevocation for a single tree.
//
// Each tree is walked children-first with an explicit stack (depth is unbounded, recursion
// is not) and a paged cursor per level. Each token is revoked in the same order as ever:
// its leases (LeaseManager.revokeByToken: lease revocations touch backends, each under its
// own intent), then the `onRevoked` hook (cubbyhole), then its records — but the records
// (entry, accessor, parent link, auth mount index entry, expiry entry) of up to `maxPerTransaction` tokens of
// every tree of the batch are deleted in one transaction, which also clears the intents of
// the roots whose trees it completes. The caller holds a revocation intent for each root,
// so a crash at any point leaves the intent and a retry walks what is left.
//
// Contracts:
// - Children before parents, also across transactions: a token's records are deleted only
//   in or after the transaction that deletes its children's. That transaction re-checks,
//   under its isolation, that the token has no child left; a child minted after the walk
//   read the parent's links keeps the parent (and its ancestors) alive, and the tree is
//   walked again (a few rounds at most, then it fails and is retried with backoff).
// - A root reached inside an earlier root's tree in the same call is not walked twice.
// - The result names every root that was not revoked, with its error; its intent must
//   stay. Every other root's intent was cleared in the transaction that deleted it.
import type { StorageWriter } from '../../storage/storage.js';
import type { LeaseManager } from '../leases/lease-manager.js';
import type { TokenRecords } from './token-records.js';
import { tokenKeys } from './token-records.js';

export interface TokenBatchRevocationDeps {
  readonly records: TokenRecords;
  readonly leases: LeaseManager;
  readonly onRevoked: (tokenKey: string) => Promise<void>;
  /** Child links read per storage scan. */
  readonly batchSize: number;
  /** Tokens whose records one transaction deletes (default 500). */
  readonly maxPerTransaction?: number;
}

/** Clears the caller's intent for a root inside the transaction that deletes the root. */
export type ClearRootIntent = (tx: StorageWriter, tokenKey: string) => Promise<void>;
/** Awaited before a root is walked; false skips the root (the caller no longer holds its claim). */
export type StartRoot = (tokenKey: string) => Promise<boolean>;

const ALWAYS: StartRoot = async () => true;

/** One step of the deletion, in children-first order. */
interface Doomed {
  readonly tokenKey: string;
  /** The parent link the walk followed to this token ('' for a root walked from the top). */
  readonly link: string;
  readonly root: boolean;
  /** Only the link: the token itself was handled earlier in this call. */
  readonly linkOnly: boolean;
}

interface Frame {
  readonly tokenKey: string;
  readonly link: string;
  page: string[];
  next: number;
  after: string | undefined;
  more: boolean;
}

const DEFAULT_MAX_PER_TRANSACTION = 500;
/** Walks of one call after children appeared under a tree being revoked. */
const MAX_ROUNDS = 3;

export class TokenBatchRevocation {
  private readonly maxPerTransaction: number;

  constructor(private readonly deps: TokenBatchRevocationDeps) {
    this.maxPerTransaction = Math.max(1, deps.maxPerTransaction ?? DEFAULT_MAX_PER_TRANSACTION);
  }

  /**
   * Revokes the subtree of every root (tokens whose revocation intents the caller holds).
   * Returns the roots that failed, with their errors; never throws for a single root.
   */
  async revokeSubtrees(roots: readonly string[], clear: ClearRootIntent, start: StartRoot = ALWAYS): Promise<Map<string, unknown>> {
    const failures = new Map<string, unknown>();
    let todo = [...new Set(roots)];
    for (let round = 1; todo.length > 0; round++) {
      const regrown = await new BatchPass(this.deps, this.maxPerTransaction, todo, { clear, start }, failures).run();
      if (round >= MAX_ROUNDS) {
        for (const root of regrown) failures.set(root, new Error('token subtree kept gaining children while it was revoked'));
        break;
      }
      todo = regrown;
    }
    return failures;
  }
}

/** One walk over a list of roots; returns the roots kept alive by children that appeared. */
class BatchPass {
  private readonly rootSet: ReadonlySet<string>;
  /** Roots whose subtree this pass has fully walked (their records are deleted or pending). */
  private readonly walked = new Set<string>();
  private chunk: Doomed[] = [];
  private readonly regrown: string[] = [];
  /** Roots whose deleting transaction committed. */
  private readonly committed = new Set<string>();
  /** Roots the caller no longer holds (`start` answered false): neither revoked nor failed here. */
  private readonly skipped = new Set<string>();
  private broken: { readonly err: unknown } | undefined;

  constructor(
    private readonly deps: TokenBatchRevocationDeps,
    private readonly maxPerTransaction: number,
    private readonly roots: readonly string[],
    private readonly caller: { readonly clear: ClearRootIntent; readonly start: StartRoot },
    private readonly failures: Map<string, unknown>,
  ) {
    this.rootSet = new Set(roots);
  }

  async run(): Promise<string[]> {
    for (const root of this.roots) {
      if (this.walked.has(root)) continue;
      try {
        if (await this.caller.start(root)) await this.walk(root);
        else this.skipped.add(root);
      } catch (err) {
        this.failures.set(root, err);
      }
      if (this.broken) break;
    }
    if (!this.broken) await this.flush().catch(() => undefined);
    const broken = this.broken;
    if (broken) {
      // Storage failed: whatever has not committed keeps its intent and is retried.
      for (const root of this.roots) {
        if (!this.failures.has(root) && !this.committed.has(root) && !this.skipped.has(root)) this.failures.set(root, broken.err);
      }
      return [];
    }
    return this.regrown;
  }

  private async walk(root: string): Promise<void> {
    const storage = this.deps.records.storage;
    const stack: Frame[] = [frame(root, '')];
    const onStack = new Set([root]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as Frame;
      const link = await this.nextChild(top);
      if (link !== undefined) {
        const child = link.slice(tokenKeys.children(top.tokenKey).length);
        if (onStack.has(child)) {
          // A cycle can only come from corrupted storage; cutting the link ends the walk.
          await storage.delete(link);
        } else if (this.walked.has(child)) {
          await this.emit({ tokenKey: child, link, root: false, linkOnly: true });
        } else {
          stack.push(frame(child, link));
          onStack.add(child);
        }
        continue;
      }
      await this.deps.leases.revokeByToken(top.tokenKey);
      await this.deps.onRevoked(top.tokenKey);
      const isRoot = this.rootSet.has(top.tokenKey);
      if (isRoot) this.walked.add(top.tokenKey);
      await this.emit({ tokenKey: top.tokenKey, link: top.link, root: isRoot, linkOnly: false });
      stack.pop();
      onStack.delete(top.tokenKey);
    }
  }

  /** The next child link of `f`, read a page at a time after the frame's cursor. */
  private async nextChild(f: Frame): Promise<string | undefined> {
    if (f.next >= f.page.length) {
      if (!f.more) return undefined;
      const size = this.deps.batchSize;
      const prefix = tokenKeys.children(f.tokenKey);
      f.page = await this.deps.records.storage.scan(prefix, f.after === undefined ? { limit: size } : { after: f.after, limit: size });
      f.next = 0;
      f.more = f.page.length === size;
      f.after = f.page.at(-1);
      if (f.page.length === 0) return undefined;
    }
    return f.page[f.next++];
  }

  private async emit(step: Doomed): Promise<void> {
    this.chunk.push(step);
    if (this.chunk.length >= this.maxPerTransaction) await this.flush();
  }

  /** Deletes the pending records in one transaction; a storage failure ends the pass. */
  private async flush(): Promise<void> {
    if (this.chunk.length === 0) return;
    const steps = this.chunk;
    this.chunk = [];
    try {
      const kept = await this.deps.records.storage.transaction((tx) => this.deleteSteps(tx, steps));
      this.regrown.push(...kept.roots);
      for (const step of steps) {
        if (!step.root || step.linkOnly || kept.tokens.has(step.tokenKey)) continue;
        this.committed.add(step.tokenKey);
        this.failures.delete(step.tokenKey);
      }
    } catch (err) {
      this.broken = { err };
      for (const step of steps) if (step.root) this.failures.set(step.tokenKey, err);
      throw err;
    }
  }

  /** Runs inside the transaction (possibly more than once): everything it decides is re-read from `tx`. */
  private async deleteSteps(tx: StorageWriter, steps: readonly Doomed[]): Promise<{ tokens: Set<string>; roots: string[] }> {
    const { records, leases } = this.deps;
    const keptTokens = new Set<string>();
    const keptRoots: string[] = [];
    for (const step of steps) {
      if (step.linkOnly) {
        // The child was handled earlier in this call; its link goes once the child is gone.
        if (!(await tx.get(tokenKeys.id(step.tokenKey)))) await tx.delete(step.link);
        continue;
      }
      const [child] = await tx.scan(tokenKeys.children(step.tokenKey), { limit: 1 });
      if (child !== undefined) {
        // Minted after the walk read this token's links: keep the token, walk again.
        keptTokens.add(step.tokenKey);
        if (step.root) keptRoots.push(step.tokenKey);
        continue;
      }
      const entry = await records.get(step.tokenKey, tx);
      const parentLink = entry && entry.parent !== '' ? tokenKeys.child(entry.parent, step.tokenKey) : '';
      if (entry) {
        await tx.delete(tokenKeys.accessor(entry.accessor));
        if (parentLink !== '') await tx.delete(parentLink);
        if (entry.mountAccessor !== undefined) await tx.delete(tokenKeys.mountToken(entry.mountAccessor, step.tokenKey));
        await leases.scheduleToken(tx, step.tokenKey, 0, entry.expireTime);
      }
      // The link walked may differ from the entry's parent (a dangling or corrupted link).
      if (step.link !== '' && step.link !== parentLink) await tx.delete(step.link);
      await tx.delete(tokenKeys.id(step.tokenKey));
      if (step.root) await this.caller.clear(tx, step.tokenKey);
    }
    return { tokens: keptTokens, roots: keptRoots };
  }
}

function frame(tokenKey: string, link: string): Frame {
  return { tokenKey, link, page: [], next: 0, after: undefined, more: true };
}
