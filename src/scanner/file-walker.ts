// src/scanner — enumerates the files under a root the way git would see them: nested
// .gitignore files and .git/info/exclude are honoured, .git is skipped, and symlinks are
// followed only when their real target stays inside the root (each real file once, no cycles).
// Reading applies the size limit and skips binaries (a NUL byte in the first 8 KiB).
import { lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ignoreModule from 'ignore';
import type { Ignore, Options } from 'ignore';

// `ignore` is CommonJS with `module.exports.default = factory`; under NodeNext its typings
// describe the namespace, so take the factory from `.default`.
const ignore = (ignoreModule as unknown as { default: (options?: Options) => Ignore }).default;

export interface WalkedFile {
  readonly abs: string;
  /** Relative to the root, forward slashes. */
  readonly rel: string;
  readonly size: number;
}

export interface WalkOptions {
  readonly respectGitignore?: boolean;
}

interface IgnoreLayer {
  readonly dir: string;
  readonly matcher: Ignore;
}

function loadIgnore(dirAbs: string, names: readonly string[]): Ignore | undefined {
  let found: Ignore | undefined;
  for (const name of names) {
    try {
      const text = readFileSync(join(dirAbs, name), 'utf8');
      found = (found ?? ignore()).add(text);
    } catch {
      // absent or unreadable: nothing to honour
    }
  }
  return found;
}

const toPosix = (p: string): string => (sep === '/' ? p : p.split(sep).join('/'));

function isIgnored(layers: readonly IgnoreLayer[], relPath: string, isDir: boolean): boolean {
  for (const layer of layers) {
    const sub = layer.dir === '' ? relPath : relPath.startsWith(layer.dir + '/') ? relPath.slice(layer.dir.length + 1) : undefined;
    if (sub === undefined || sub === '') continue;
    if (layer.matcher.ignores(isDir ? sub + '/' : sub)) return true;
  }
  return false;
}

export function* walkFiles(root: string, options: WalkOptions = {}): Generator<WalkedFile> {
  const realRoot = realpathSync(root);
  const seen = new Set<string>();
  const useIgnore = options.respectGitignore !== false;
  function* visit(dirAbs: string, dirRel: string, layers: readonly IgnoreLayer[]): Generator<WalkedFile> {
    const own = useIgnore ? loadIgnore(dirAbs, dirRel === '' ? ['.gitignore', join('.git', 'info', 'exclude')] : ['.gitignore']) : undefined;
    const here = own ? [...layers, { dir: dirRel, matcher: own }] : layers;
    let entries: string[];
    try {
      entries = readdirSync(dirAbs).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      if (name === '.git') continue;
      const abs = join(dirAbs, name);
      const rel = dirRel === '' ? name : `${dirRel}/${name}`;
      let st: Stats;
      try {
        st = lstatSync(abs);
        if (st.isSymbolicLink()) {
          const target = realpathSync(abs);
          if (target !== realRoot && !target.startsWith(realRoot + sep)) continue;
          st = statSync(abs);
        }
      } catch {
        continue;
      }
      const isDir = st.isDirectory();
      if (useIgnore && isIgnored(here, rel, isDir)) continue;
      let real: string;
      try {
        real = realpathSync(abs);
      } catch {
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
      if (isDir) yield* visit(abs, rel, here);
      else if (st.isFile()) yield { abs, rel: toPosix(relative(realRoot, join(realRoot, rel))), size: st.size };
    }
  }
  yield* visit(realRoot, '', []);
}

/** The file's text, or undefined when it is over `maxSize` bytes or binary. */
export function readScannable(abs: string, maxSize: number): string | undefined {
  let buf: Buffer;
  try {
    if (statSync(abs).size > maxSize) return undefined;
    buf = readFileSync(abs);
  } catch {
    return undefined;
  }
  if (isBinary(buf)) return undefined;
  return buf.toString('utf8');
}

export function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}
