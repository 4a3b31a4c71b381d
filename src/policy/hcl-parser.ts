// src/policy — parser for the HCL subset of Vault policies, producing an HclObject tree.
// Grammar (HCL 1): body := item*, items optionally separated by `,`;
// item := key+ ( `=` value | `{` body `}` ) where keys are identifiers or quoted strings and
// several keys are only allowed before a block (`path "x" { }`); value := string | heredoc
// | number | true | false | `[` values with optional trailing `,` `]` | `{` body `}`.
// Contract: throws policyParseError ("line L, column C: ...") on any syntax error; nesting is
// bounded so hostile input cannot exhaust the stack.
import { tokenizeHcl } from './hcl-lexer.js';
import type { HclToken } from './hcl-lexer.js';
import type { HclItem, HclObject, HclValue } from './hcl-value.js';
import { policyParseError } from './policy-parse-error.js';

const MAX_DEPTH = 32;

function describe(token: HclToken): string {
  switch (token.kind) {
    case 'eof':
      return 'end of input';
    case 'string':
      return 'a string';
    case 'number':
      return `number ${token.text}`;
    default:
      return `"${token.text}"`;
  }
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly HclToken[]) {}

  private peek(): HclToken {
    // The token list always ends with `eof`, and parsing never advances past it.
    return this.tokens[this.index] ?? (this.tokens[this.tokens.length - 1] as HclToken);
  }

  private next(): HclToken {
    const t = this.peek();
    if (t.kind !== 'eof') this.index += 1;
    return t;
  }

  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }

  private fail(token: HclToken, what: string): never {
    throw policyParseError(what, token.line, token.column);
  }

  private expectPunct(text: string, context: string): void {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== text) this.fail(t, `expected "${text}" ${context}, got ${describe(t)}`);
  }

  private enter(token: HclToken): void {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) this.fail(token, `nesting deeper than ${MAX_DEPTH} levels`);
  }

  parseDocument(): HclObject {
    const body = this.parseBody('eof');
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(t, `unexpected ${describe(t)}`);
    return body;
  }

  /** Items until `}` (closing an object) or end of input (top level). */
  private parseBody(until: 'eof' | '}'): HclObject {
    const items: HclItem[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') {
        if (until === '}') this.fail(t, 'expected "}" to close the object, got end of input');
        break;
      }
      if (until === '}' && this.isPunct('}')) break;
      items.push(this.parseItem());
      if (this.isPunct(',')) this.next();
    }
    return { kind: 'object', items };
  }

  private parseItem(): HclItem {
    const first = this.peek();
    const keys: string[] = [];
    while (this.peek().kind === 'ident' || this.peek().kind === 'string') keys.push(this.next().text);
    if (keys.length === 0) this.fail(first, `expected a key, got ${describe(first)}`);
    const t = this.peek();
    if (this.isPunct('=') || this.isPunct(':')) {
      if (keys.length > 1) this.fail(t, `expected "{" after the labels of "${keys[0] ?? ''}", got "${t.text}"`);
      this.next();
      return { keys, value: this.parseValue(), line: first.line, column: first.column };
    }
    if (this.isPunct('{')) {
      return { keys, value: this.parseObject(), line: first.line, column: first.column };
    }
    return this.fail(t, `expected "=" or "{" after key "${keys[keys.length - 1] ?? ''}", got ${describe(t)}`);
  }

  private parseObject(): HclObject {
    const open = this.next();
    this.enter(open);
    const body = this.parseBody('}');
    this.expectPunct('}', 'to close the object');
    this.depth -= 1;
    return body;
  }

  private parseList(): HclValue[] {
    const open = this.next();
    this.enter(open);
    const values: HclValue[] = [];
    while (!this.isPunct(']')) {
      values.push(this.parseValue());
      if (this.isPunct(',')) {
        this.next();
      } else if (!this.isPunct(']')) {
        const t = this.peek();
        this.fail(t, `expected "," or "]" in list, got ${describe(t)}`);
      }
    }
    this.next();
    this.depth -= 1;
    return values;
  }

  private parseValue(): HclValue {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
        this.next();
        return t.text;
      case 'number': {
        this.next();
        const n = Number(t.text);
        if (!Number.isFinite(n)) this.fail(t, `number ${t.text} is out of range`);
        return n;
      }
      case 'ident':
        if (t.text === 'true' || t.text === 'false') {
          this.next();
          return t.text === 'true';
        }
        return this.fail(t, `unexpected identifier "${t.text}", expected a value`);
      case 'punct':
        if (t.text === '[') return this.parseList();
        if (t.text === '{') return this.parseObject();
        return this.fail(t, `expected a value, got "${t.text}"`);
      case 'eof':
        return this.fail(t, 'expected a value, got end of input');
    }
  }
}

export function parseHcl(text: string): HclObject {
  return new Parser(tokenizeHcl(text)).parseDocument();
}
