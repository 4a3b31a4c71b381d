// src/scanner — a view of text with JSON/string escapes decoded (\n, \", \\, \/, \t, \uXXXX)
// and notebook-style line arrays ("...\n", "...") joined, plus a map from each decoded
// offset back to the original offset, so findings inside escaped strings get true locations.

export interface UnescapedView {
  readonly text: string;
  /** originalOffset[i] is the offset in the source of decoded character i. */
  readonly originalOffset: Int32Array;
}

const SIMPLE: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', "'": "'", '\\': '\\', '/': '/' };

/** True when the text holds escapes worth a second, decoded pass. */
export function hasEscapes(text: string): boolean {
  return text.includes('\\n') || text.includes('\\"');
}

export function unescapeView(source: string): UnescapedView {
  const out: string[] = [];
  const map = new Int32Array(source.length + 1);
  let n = 0;
  const joiner = /"\s*,\s*"/y;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    if (ch === '\\' && i + 1 < source.length) {
      const next = source[i + 1] as string;
      const simple = SIMPLE[next];
      if (simple !== undefined) {
        out.push(simple);
        map[n++] = i;
        i++;
        // A notebook stores each source line as its own string: "line\n", "next line".
        if (next === 'n') {
          joiner.lastIndex = i + 1;
          const m = joiner.exec(source);
          if (m) i += m[0].length;
        }
        continue;
      }
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) {
        out.push(String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16)));
        map[n++] = i;
        i += 5;
        continue;
      }
    }
    out.push(ch);
    map[n++] = i;
  }
  map[n] = source.length;
  return { text: out.join(''), originalOffset: map.subarray(0, n + 1) };
}
