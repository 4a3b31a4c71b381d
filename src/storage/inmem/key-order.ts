// src/storage/inmem — key ordering shared by every physical backend. The contract
// (src/storage/storage.ts) orders keys by their UTF-8 bytes, which is Unicode code-point
// order; JavaScript's `<` compares UTF-16 code units instead and disagrees for characters
// above U+FFFF versus U+E000..U+FFFF. Everything here works in code-point order, and the
// Vault-style listing walk is written once so all backends skip subtrees the same way.

/** Orders two keys by UTF-8 bytes (equivalently, by code points). */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// Surrogates (U+D800..U+DFFF) encode code points above U+FFFF, so at the first differing
// unit they must sort after U+E000..U+FFFF; shifting the two ranges restores that.
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/**
 * The smallest string greater than every key starting with `prefix`, or undefined when no
 * such bound exists ('' or a prefix made only of U+10FFFF). Used as an exclusive upper
 * bound so a prefix read becomes an indexed range read.
 */
export function prefixEnd(prefix: string): string | undefined {
  // Fast path (every scan runs this): a last character below the surrogates, or between
  // them and U+FFFF, is simply incremented; the general walk below handles the rest.
  const last = prefix.charCodeAt(prefix.length - 1);
  if (last < 0xd7ff || (last > 0xdfff && last < 0xffff)) return prefix.slice(0, -1) + String.fromCharCode(last + 1);
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop() as string;
    const cp = last.codePointAt(0) as number;
    if (cp < 0x10ffff) {
      const next = cp === 0xd7ff ? 0xe000 : cp + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** A request for the next page of keys, ordered, all starting with the listed prefix. */
export interface PageRequest {
  /** Lower bound of the page. */
  readonly from: string;
  /** Whether `from` itself may be returned. */
  readonly inclusive: boolean;
  readonly limit: number;
}

const LIST_PAGE = 128;

/**
 * Vault-style listing as a walk that asks for pages and receives them, so synchronous and
 * asynchronous backends drive the same logic. When a key reveals a child folder, the walk
 * seeks straight past that folder's subtree ('/' + 1 is '0'), so a folder with millions of
 * descendants costs one seek, not a read of each.
 */
export function* listWalk(prefix: string): Generator<PageRequest, string[], readonly string[]> {
  const out: string[] = [];
  let request: PageRequest = { from: prefix, inclusive: true, limit: LIST_PAGE };
  for (;;) {
    const page = yield request;
    let next: PageRequest | undefined;
    for (const key of page) {
      const rest = key.slice(prefix.length);
      if (rest === '') continue; // the prefix itself is not one of its children
      const slash = rest.indexOf('/');
      if (slash === -1) {
        out.push(rest);
        continue;
      }
      out.push(rest.slice(0, slash + 1));
      next = { from: prefix + rest.slice(0, slash) + '0', inclusive: true, limit: LIST_PAGE };
      break;
    }
    if (next === undefined) {
      const last = page[page.length - 1];
      if (page.length < request.limit || last === undefined) return out;
      next = { from: last, inclusive: false, limit: LIST_PAGE };
    }
    request = next;
  }
}

/** Drives `listWalk` with a synchronous page reader. */
export function listSync(prefix: string, read: (req: PageRequest) => readonly string[]): string[] {
  const walk = listWalk(prefix);
  let step = walk.next();
  while (!step.done) step = walk.next(read(step.value));
  return step.value;
}

/** Drives `listWalk` with an asynchronous page reader. */
export async function listAsync(
  prefix: string,
  read: (req: PageRequest) => Promise<readonly string[]>,
): Promise<string[]> {
  const walk = listWalk(prefix);
  let step = walk.next();
  while (!step.done) step = walk.next(await read(step.value));
  return step.value;
}
