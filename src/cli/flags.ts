// src/cli — flag parsing shared by every command. Accepts Go/Vault style (`-flag=value`,
// `-flag value`) and GNU style (`--flag=value`, `--flag value`); `--` ends flags. Boolean
// flags take no separate value (`-yes`, `-yes=false`). Unknown flags are a usage error.

export type FlagKind = 'string' | 'bool' | 'int' | 'list';

export interface FlagSpec {
  readonly kind: FlagKind;
  readonly short?: string;
  readonly default?: string | boolean | number | readonly string[];
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type FlagValue<S extends FlagSpec> = S['kind'] extends 'bool'
  ? boolean
  : S['kind'] extends 'int'
    ? number
    : S['kind'] extends 'list'
      ? string[]
      : string;

export type ParsedFlags<T extends FlagSpecs> = { -readonly [K in keyof T]: FlagValue<T[K]> | undefined };

export interface ParsedArgs<T extends FlagSpecs> {
  readonly flags: ParsedFlags<T>;
  readonly positional: string[];
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseFlags<T extends FlagSpecs>(args: readonly string[], specs: T): ParsedArgs<T> {
  const flags: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.default !== undefined) flags[name] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
  }
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.short) byShort.set(spec.short, name);

  const positional: string[] = [];
  const seenLists = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const rawName = eq === -1 ? body : body.slice(0, eq);
    const name = specs[rawName] ? rawName : (byShort.get(rawName) ?? rawName);
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown flag: -${rawName}`);
    let value: string | undefined = eq === -1 ? undefined : body.slice(eq + 1);
    if (spec.kind === 'bool') {
      if (value === undefined) flags[name] = true;
      else if (value === 'true' || value === '1') flags[name] = true;
      else if (value === 'false' || value === '0') flags[name] = false;
      else throw new UsageError(`flag -${name} takes true or false, not ${JSON.stringify(value)}`);
      continue;
    }
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined) throw new UsageError(`flag -${name} needs a value`);
      value = next;
      i++;
    }
    if (spec.kind === 'int') {
      if (!/^-?\d+$/.test(value)) throw new UsageError(`flag -${name} takes a whole number, not ${JSON.stringify(value)}`);
      flags[name] = Number(value);
    } else if (spec.kind === 'list') {
      // The first occurrence replaces the default; later ones append.
      const list = seenLists.has(name) ? (flags[name] as string[]) : [];
      seenLists.add(name);
      list.push(value);
      flags[name] = list;
    } else {
      flags[name] = value;
    }
  }
  return { flags: flags as ParsedFlags<T>, positional };
}
