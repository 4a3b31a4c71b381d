// src/framework — typed request fields. A path declares its fields as a table of Field
// objects; the framework coerces the raw request data (JSON body + URL captures) with them
// and the handler receives the inferred type (FieldValues). Coercion follows Vault's
// framework: ints and bools accept their string forms, durations accept "90s"/"1h"/seconds,
// string lists accept a comma-separated string.
import { ArcaError } from '../lib/errors.js';
import { parseDuration } from '../lib/duration.js';

export type FieldKind =
  | 'string'
  | 'int'
  | 'bool'
  | 'duration'
  | 'strings'
  | 'map'
  | 'string-map'
  | 'raw'
  | 'enum';

export interface Field<T> {
  readonly kind: FieldKind;
  readonly description: string;
  readonly required: boolean;
  /** Present when the field has a default (the handler then never sees undefined). */
  readonly hasDefault: boolean;
  /** Coerces a raw value; `undefined` when absent (the default, if any, is applied). */
  parse(raw: unknown, name: string): T;
}

export type FieldMap = Readonly<Record<string, Field<unknown>>>;

/** The handler-visible type of a field table. */
export type FieldValues<F extends FieldMap> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };

type Coerce<T> = (raw: unknown, name: string) => T;

export interface FieldBuilder<T> {
  optional(description?: string): Field<T | undefined>;
  required(description?: string): Field<T>;
  default(value: T, description?: string): Field<T>;
}

const MAX_STRING = 1024 * 1024;

function invalid(name: string, expected: string): ArcaError {
  return new ArcaError('invalid_request', `invalid value for field "${name}": expected ${expected}`);
}

function builder<T>(kind: FieldKind, coerce: Coerce<T>): FieldBuilder<T> {
  const make = <R>(description: string, required: boolean, fallback: { value: T } | undefined): Field<R> => ({
    kind,
    description,
    required,
    hasDefault: fallback !== undefined,
    parse(raw: unknown, name: string): R {
      if (raw === undefined || raw === null) {
        if (fallback !== undefined) return structuredClone(fallback.value) as unknown as R;
        if (required) throw new ArcaError('invalid_request', `missing required field "${name}"`);
        return undefined as R;
      }
      return coerce(raw, name) as unknown as R;
    },
  });
  return {
    optional: (description = '') => make<T | undefined>(description, false, undefined),
    required: (description = '') => make<T>(description, true, undefined),
    default: (value: T, description = '') => make<T>(description, false, { value }),
  };
}

function coerceString(raw: unknown, name: string): string {
  if (typeof raw === 'string') {
    if (raw.length > MAX_STRING) throw invalid(name, `a string of at most ${MAX_STRING} characters`);
    return raw;
  }
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw invalid(name, 'a string');
}

function coerceInt(min: number, max: number): Coerce<number> {
  return (raw, name) => {
    let n: number;
    if (typeof raw === 'number') n = raw;
    else if (typeof raw === 'string' && /^-?\d{1,16}$/.test(raw.trim())) n = Number(raw.trim());
    else throw invalid(name, 'an integer');
    if (!Number.isSafeInteger(n) || n < min || n > max) throw invalid(name, `an integer between ${min} and ${max}`);
    return n;
  };
}

// Vault reads booleans with parseutil.ParseBool (mapstructure's weak decoding): Go's
// strconv.ParseBool spellings, and an empty string as false, so `?standbyok` with no value
// (a common load-balancer health URL) is accepted.
const TRUE_WORDS = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE_WORDS = new Set(['', '0', 'f', 'F', 'false', 'FALSE', 'False']);

function coerceBool(raw: unknown, name: string): boolean {
  if (typeof raw === 'boolean') return raw;
  if (raw === 1 || (typeof raw === 'string' && TRUE_WORDS.has(raw))) return true;
  if (raw === 0 || (typeof raw === 'string' && FALSE_WORDS.has(raw))) return false;
  throw invalid(name, 'a boolean');
}

function coerceDuration(raw: unknown, name: string): number {
  if (typeof raw === 'number' || typeof raw === 'string') {
    const seconds = parseDuration(raw);
    if (seconds === undefined) throw invalid(name, 'a duration such as "30s", "15m", "1h" or a number of seconds');
    return seconds;
  }
  throw invalid(name, 'a duration');
}

function coerceStrings(raw: unknown, name: string): string[] {
  if (typeof raw === 'string') {
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
  if (Array.isArray(raw) && raw.length <= 10_000) {
    return raw.map((item) => {
      if (typeof item === 'string') return item.trim();
      if (typeof item === 'number' || typeof item === 'boolean') return String(item);
      throw invalid(name, 'a list of strings');
    });
  }
  throw invalid(name, 'a list of strings or a comma-separated string');
}

function coerceMap(raw: unknown, name: string): Record<string, unknown> {
  if (typeof raw === 'string' && raw.trim().startsWith('{')) {
    try {
      return coerceMap(JSON.parse(raw), name);
    } catch {
      throw invalid(name, 'a JSON object');
    }
  }
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return raw as Record<string, unknown>;
  throw invalid(name, 'an object');
}

function coerceStringMap(raw: unknown, name: string): Record<string, string> {
  const map = coerceMap(raw, name);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'string') throw invalid(name, 'an object whose values are strings');
    out[k] = v;
  }
  return out;
}

export const field = {
  string: (): FieldBuilder<string> => builder('string', coerceString),
  int: (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): FieldBuilder<number> =>
    builder('int', coerceInt(min, max)),
  bool: (): FieldBuilder<boolean> => builder('bool', coerceBool),
  /** A duration in whole seconds. */
  duration: (): FieldBuilder<number> => builder('duration', coerceDuration),
  strings: (): FieldBuilder<string[]> => builder('strings', coerceStrings),
  map: (): FieldBuilder<Record<string, unknown>> => builder('map', coerceMap),
  stringMap: (): FieldBuilder<Record<string, string>> => builder('string-map', coerceStringMap),
  raw: (): FieldBuilder<unknown> => builder('raw', (raw) => raw),
  enum: <const V extends string>(values: readonly V[]): FieldBuilder<V> =>
    builder('enum', (raw, name) => {
      if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return raw as V;
      throw invalid(name, `one of ${values.join(', ')}`);
    }),
};
