// src/policy — tokenizer for the HCL subset Vault policies use (HCL 1 syntax): comments
// (`#`, `//`, `/* */`), identifiers, quoted strings with escapes, heredocs (`<<EOF`,
// `<<-EOF`), numbers, and the punctuation `{ } [ ] = , :`. Contract: returns the tokens
// followed by one `eof` token; any lexical error throws policyParseError with its position.
import { policyParseError } from './policy-parse-error.js';

export type HclTokenKind = 'ident' | 'string' | 'number' | 'punct' | 'eof';

export interface HclToken {
  readonly kind: HclTokenKind;
  /** Decoded text: the string's value, the identifier, the number's source, the punctuation. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

const PUNCTUATION = new Set(['{', '}', '[', ']', '=', ',', ':']);
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', '/': '/',
};

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9') || c === '-' || c === '.';
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  readonly tokens: HclToken[] = [];

  constructor(private readonly src: string) {}

  private get column(): number {
    return this.pos - this.lineStart + 1;
  }

  private fail(what: string, line = this.line, column = this.column): never {
    throw policyParseError(what, line, column);
  }

  /** Advances one character, keeping line bookkeeping right. */
  private bump(): string {
    const c = this.src[this.pos] ?? '';
    this.pos += 1;
    if (c === '\n') {
      this.line += 1;
      this.lineStart = this.pos;
    }
    return c;
  }

  run(): HclToken[] {
    for (;;) {
      this.skipSpaceAndComments();
      const c = this.src[this.pos];
      if (c === undefined) break;
      const line = this.line;
      const column = this.column;
      if (PUNCTUATION.has(c)) {
        this.bump();
        this.tokens.push({ kind: 'punct', text: c, line, column });
      } else if (c === '"') {
        this.tokens.push({ kind: 'string', text: this.readString(), line, column });
      } else if (c === '<' && this.src.startsWith('<<', this.pos)) {
        this.tokens.push({ kind: 'string', text: this.readHeredoc(), line, column });
      } else if (isDigit(c) || ((c === '-' || c === '+') && isDigit(this.src[this.pos + 1]))) {
        this.tokens.push({ kind: 'number', text: this.readNumber(), line, column });
      } else if (isIdentStart(c)) {
        const start = this.pos;
        while (this.pos < this.src.length && isIdentPart(this.src[this.pos] ?? '')) this.bump();
        this.tokens.push({ kind: 'ident', text: this.src.slice(start, this.pos), line, column });
      } else {
        this.fail(`unexpected character ${JSON.stringify(c)}`);
      }
    }
    this.tokens.push({ kind: 'eof', text: 'end of input', line: this.line, column: this.column });
    return this.tokens;
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\uFEFF') {
        this.bump();
      } else if (c === '#' || (c === '/' && this.src[this.pos + 1] === '/')) {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.bump();
      } else if (c === '/' && this.src[this.pos + 1] === '*') {
        const line = this.line;
        const column = this.column;
        const end = this.src.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unterminated block comment', line, column);
        while (this.pos < end + 2) this.bump();
      } else {
        return;
      }
    }
  }

  private readString(): string {
    const line = this.line;
    const column = this.column;
    this.bump();
    let out = '';
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined || c === '\n') this.fail('unterminated string', line, column);
      if (c === '"') {
        this.bump();
        return out;
      }
      if (c === '\\') {
        out += this.readEscape();
      } else {
        out += this.bump();
      }
    }
  }

  private readEscape(): string {
    const line = this.line;
    const column = this.column;
    this.bump();
    const e = this.src[this.pos];
    if (e !== undefined && SIMPLE_ESCAPES[e] !== undefined) {
      this.bump();
      return SIMPLE_ESCAPES[e];
    }
    const width = e === 'u' ? 4 : e === 'U' ? 8 : e === 'x' ? 2 : 0;
    const hex = this.src.slice(this.pos + 1, this.pos + 1 + width);
    if (width === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) {
      this.fail(`invalid escape sequence "\\${e ?? ''}"`, line, column);
    }
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      this.fail('escape sequence is not a valid Unicode code point', line, column);
    }
    for (let i = 0; i <= width; i++) this.bump();
    return String.fromCodePoint(code);
  }

  private readHeredoc(): string {
    const line = this.line;
    const column = this.column;
    const header = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(this.src.slice(this.pos, this.pos + 260));
    if (header === null) this.fail('invalid heredoc: expected <<MARKER followed by a newline', line, column);
    const indented = header[1] === '-';
    const marker = header[2] ?? '';
    for (let i = 0; i < header[0].length; i++) this.bump();
    const lines: string[] = [];
    for (;;) {
      if (this.pos >= this.src.length) this.fail(`unterminated heredoc, expected "${marker}"`, line, column);
      let end = this.src.indexOf('\n', this.pos);
      if (end < 0) end = this.src.length;
      const text = this.src.slice(this.pos, end).replace(/\r$/, '');
      while (this.pos < end) this.bump();
      if (text.trim() === marker) break;
      lines.push(text);
      if (this.pos < this.src.length) this.bump();
    }
    return lines.length === 0 ? '' : `${(indented ? dedent(lines) : lines).join('\n')}\n`;
  }

  private readNumber(): string {
    const line = this.line;
    const column = this.column;
    const m = /^[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(this.src.slice(this.pos, this.pos + 64));
    const text = m?.[0] ?? '';
    for (let i = 0; i < text.length; i++) this.bump();
    const next = this.src[this.pos];
    if (next !== undefined && isIdentPart(next)) this.fail(`invalid number "${text}${next}"`, line, column);
    return text;
  }
}

/** `<<-` heredocs drop the indentation common to every non-blank line. */
function dedent(lines: readonly string[]): string[] {
  let common = Infinity;
  for (const l of lines) {
    if (l.trim() === '') continue;
    const indent = /^[ \t]*/.exec(l)?.[0].length ?? 0;
    common = Math.min(common, indent);
  }
  if (!Number.isFinite(common)) return [...lines];
  return lines.map((l) => l.slice(Math.min(common, l.length)));
}

export function tokenizeHcl(src: string): HclToken[] {
  return new Lexer(src).run();
}
