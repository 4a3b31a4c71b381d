// src/scanner — streams the added lines of git patches, one chunk per (commit, file), without
// holding the history in memory: `git log -p -U0` for history (all refs or a range, oldest
// introduction last thanks to --date-order) and `git diff --cached -U0` for staged changes.
// Consecutive added lines are joined so multi-line keys stay whole; `lines` maps each chunk
// line to its line number in the new file.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ArcaError } from '../lib/errors.js';

export interface CommitInfo {
  readonly commit: string;
  readonly author: string;
  readonly email: string;
  readonly date: string;
}

export interface PatchChunk {
  readonly info: CommitInfo | undefined;
  readonly file: string;
  readonly text: string;
  readonly lines: readonly number[];
}

const RS = '\x1e';
const US = '\x1f';
const GIT_BASE = ['-c', 'core.quotePath=false', '-c', 'diff.noprefix=false'];
const PATCH_FLAGS = ['-p', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames'];

export function historyArgs(range: string | undefined): string[] {
  return [...GIT_BASE, 'log', range ?? '--all', '--date-order', ...PATCH_FLAGS, `--format=${RS}%H${US}%an${US}%ae${US}%aI`];
}

export function stagedArgs(): string[] {
  return [...GIT_BASE, 'diff', '--cached', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--diff-filter=ACMR'];
}

function unquotePath(p: string): string {
  if (!p.startsWith('"')) return p;
  try {
    return JSON.parse(p) as string;
  } catch {
    return p.slice(1, -1);
  }
}

/** Runs git in `cwd` and yields chunks (`onCommit` sees every commit, even one adding nothing); rejects with ArcaError when git fails. */
export async function* streamPatches(
  cwd: string,
  args: readonly string[],
  maxChunkBytes = 10 * 1024 * 1024,
  onCommit: (info: CommitInfo) => void = () => undefined,
): AsyncGenerator<PatchChunk> {
  const child = spawn('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 4000) stderr += d;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
  exited.catch(() => undefined);
  const rl = createInterface({ input: child.stdout, crlfDelay: Infinity });

  let info: CommitInfo | undefined;
  let file: string | undefined;
  let parts: string[] = [];
  let lines: number[] = [];
  let bytes = 0;
  let nextNew = 0;
  let remainingOld = 0;
  let remainingNew = 0;
  const flush = (): PatchChunk | undefined => {
    const chunk = file !== undefined && parts.length > 0 ? { info, file, text: parts.join('\n'), lines } : undefined;
    parts = [];
    lines = [];
    bytes = 0;
    return chunk;
  };
  try {
    for await (const line of rl) {
      if (remainingOld > 0 || remainingNew > 0) {
        if (line.startsWith('+') && remainingNew > 0) {
          remainingNew--;
          if (file !== undefined && bytes < maxChunkBytes) {
            parts.push(line.slice(1));
            lines.push(nextNew);
            bytes += line.length;
          }
          nextNew++;
          continue;
        }
        if (line.startsWith('-') && remainingOld > 0) {
          remainingOld--;
          continue;
        }
        if (line.startsWith('\\')) continue;
        remainingOld = 0;
        remainingNew = 0;
      }
      if (line.startsWith(RS)) {
        const c = flush();
        if (c) yield c;
        const [commit = '', author = '', email = '', date = ''] = line.slice(1).split(US);
        info = { commit, author, email, date };
        onCommit(info);
        file = undefined;
      } else if (line.startsWith('diff --git ')) {
        const c = flush();
        if (c) yield c;
        file = undefined;
      } else if (line.startsWith('+++ ')) {
        const target = line.slice(4);
        file = target === '/dev/null' ? undefined : unquotePath(target).replace(/^b\//, '');
      } else if (line.startsWith('Binary files ')) {
        file = undefined;
      } else if (line.startsWith('@@ ')) {
        const m = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
        if (m) {
          remainingOld = m[1] === undefined ? 1 : Number(m[1]);
          nextNew = Number(m[2]);
          remainingNew = m[3] === undefined ? 1 : Number(m[3]);
          // A new hunk after a gap: keep the chunk, but separate it so keys do not join across gaps.
          if (parts.length > 0) {
            parts.push('');
            lines.push(nextNew);
          }
        }
      }
    }
    const c = flush();
    if (c) yield c;
  } finally {
    rl.close();
    if (child.exitCode === null) child.kill();
  }
  const code = await exited;
  if (code !== 0 && code !== 141) {
    throw new ArcaError('invalid_request', `git ${args.find((a) => a === 'log' || a === 'diff') ?? ''} failed in ${cwd}: ${stderr.trim().split('\n')[0] ?? ''}`);
  }
}
