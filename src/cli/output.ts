// src/cli — everything a command prints on stdout goes through Output, so `-format`
// (table|json|yaml) and `-field` behave the same in every command, as in Vault's CLI:
// json/yaml print the server's answer whole, `-field` prints one raw value (no trailing
// newline unless stdout is a terminal, so `$(arca read -field=x ...)` is exact).
import { stringify as toYaml } from 'yaml';
import type { CliIo } from './command.js';
import { CliFailure } from './cli-failure.js';
import { formatQuotedList, formatValue, humanDuration } from './format-value.js';
import { asNumber, asRecord, asStringArray } from './json-shape.js';
import type { JsonRecord } from './json-shape.js';
import { renderKeyValue, renderTable } from './render-table.js';
import { secretEnvelope } from './secret-envelope.js';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

export type Row = readonly [string, string];

export class Output {
  readonly io: CliIo;
  readonly format: OutputFormat;
  readonly field: string | undefined;

  constructor(io: CliIo, format: OutputFormat, field: string | undefined) {
    this.io = io;
    this.format = format;
    this.field = field;
  }

  /** True when the caller should hand its answer to `structured` instead of drawing a table. */
  get isStructured(): boolean {
    return this.format !== 'table';
  }

  print(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  warn(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /** A secret envelope as `vault -format=json|yaml` prints it (secret-envelope.ts). */
  secretStructured(body: unknown): void {
    this.structured(secretEnvelope(body));
  }

  structured(value: unknown): void {
    if (this.format === 'yaml') this.io.stdout.write(toYaml(value ?? null));
    else this.print(JSON.stringify(value ?? null, null, 2));
  }

  /** Vault's PrintRawField: the value alone; a missing or null field is exit 1 (Vault tests for nil). */
  rawField(source: JsonRecord, name: string): number {
    if (!Object.hasOwn(source, name) || source[name] === null || source[name] === undefined) {
      throw new CliFailure(`Field "${name}" not present in secret`, 1);
    }
    const value = source[name];
    let text: string;
    if (this.format === 'json') text = JSON.stringify(value ?? null, null, 2);
    else if (this.format === 'yaml') text = toYaml(value ?? null).replace(/\n$/, '');
    else text = typeof value === 'string' ? value : formatValue(value);
    this.io.stdout.write(this.io.stdout.isTTY ? `${text}\n` : text);
    return 0;
  }

  /** A key/value table, or the structured answer, or one field of `fieldSource`. */
  keyValues(rows: readonly Row[], structured: unknown, fieldSource: JsonRecord = {}): number {
    if (this.field !== undefined) return this.rawField(fieldSource, this.field);
    if (this.isStructured) this.structured(structured);
    else if (rows.length > 0) this.print(renderKeyValue(rows));
    return 0;
  }

  /** A map printed as sorted key/value rows (Vault's data tables). */
  dataTable(data: JsonRecord, structured: unknown = data): number {
    return this.keyValues(dataRows(data), structured, data);
  }

  /** A table with its own header (mount lists and the like). */
  columns(header: readonly string[], rows: readonly (readonly string[])[], structured: unknown): number {
    if (this.isStructured) this.structured(structured);
    else this.print(renderTable(header, rows));
    return 0;
  }

  /**
   * Nothing to list: Vault prints `{}` on stdout in json/yaml (so a pipe into jq still parses)
   * and "No value found at PATH" on stderr for a table; exit 2 either way.
   */
  noList(path: string): number {
    if (this.isStructured) this.structured({});
    else this.warn(`No value found at ${path}`);
    return 2;
  }

  /** Vault's list output: a `Keys` column. */
  list(keys: readonly string[], structured: unknown = keys): number {
    if (this.isStructured) this.structured(structured);
    else this.print(renderTable(['Keys'], keys.map((k) => [k])));
    return 0;
  }

  /** Vault's OutputSecret: auth, lease and wrapping lines first, then the data keys sorted. */
  secret(body: unknown): number {
    const record = asRecord(body) ?? {};
    this.printWarnings(record);
    const { rows, fields } = secretRows(record);
    if (this.field !== undefined) return this.rawField(fields, this.field);
    if (this.isStructured) this.secretStructured(body);
    else if (rows.length > 0) this.print(renderKeyValue(rows));
    return 0;
  }

  printWarnings(record: JsonRecord): void {
    const warnings = asStringArray(record['warnings']);
    if (warnings.length === 0 || this.isStructured) return;
    this.warn(`WARNING! The following warnings were returned from the server:\n\n${warnings.map((w) => `  * ${w}`).join('\n\n')}\n`);
  }
}

export function dataRows(data: JsonRecord): Row[] {
  return Object.keys(data)
    .sort()
    .map((k) => [k, formatValue(data[k])] as const);
}

/** Rows and `-field` sources of a secret envelope; exported for `login` and `token create`. */
export function secretRows(record: JsonRecord): { rows: Row[]; fields: JsonRecord } {
  const rows: Row[] = [];
  const fields: JsonRecord = {};
  // Vault's table writes the wrapping rows as `wrapping_token:`; -field names them without the colon.
  const add = (key: string, raw: unknown, shown: string): void => {
    rows.push([key, shown]);
    fields[key.replace(/:$/, '')] = raw;
  };
  const auth = asRecord(record['auth']);
  const leaseDuration = asNumber(record['lease_duration']) ?? 0;
  if (auth) {
    const duration = asNumber(auth['lease_duration']) ?? 0;
    add('token', auth['client_token'], formatValue(auth['client_token'] ?? ''));
    add('token_accessor', auth['accessor'], formatValue(auth['accessor'] ?? ''));
    add('token_duration', duration, duration === 0 ? '∞' : humanDuration(duration));
    add('token_renewable', auth['renewable'], formatValue(auth['renewable'] ?? false));
    add('token_policies', auth['token_policies'], formatQuotedList(asStringArray(auth['token_policies'])));
    add('identity_policies', auth['identity_policies'], formatQuotedList(asStringArray(auth['identity_policies'])));
    add('policies', auth['policies'], formatQuotedList(asStringArray(auth['policies'])));
    const meta = asRecord(auth['metadata']) ?? {};
    for (const k of Object.keys(meta).sort()) add(`token_meta_${k}`, meta[k], formatValue(meta[k]));
  } else if (leaseDuration > 0) {
    const leaseId = typeof record['lease_id'] === 'string' ? record['lease_id'] : '';
    if (leaseId !== '') {
      add('lease_id', leaseId, leaseId);
      add('lease_duration', leaseDuration, humanDuration(leaseDuration));
      add('lease_renewable', record['renewable'], formatValue(record['renewable'] ?? false));
    } else {
      add('refresh_interval', leaseDuration, humanDuration(leaseDuration));
    }
  }
  const wrap = asRecord(record['wrap_info']);
  if (wrap) {
    add('wrapping_token:', wrap['token'], formatValue(wrap['token']));
    add('wrapping_accessor:', wrap['accessor'], formatValue(wrap['accessor']));
    add('wrapping_token_ttl:', wrap['ttl'], humanDuration(asNumber(wrap['ttl']) ?? 0));
    add('wrapping_token_creation_time:', wrap['creation_time'], formatValue(wrap['creation_time']));
    add('wrapping_token_creation_path:', wrap['creation_path'], formatValue(wrap['creation_path']));
    if (typeof wrap['wrapped_accessor'] === 'string' && wrap['wrapped_accessor'] !== '') {
      add('wrapped_accessor:', wrap['wrapped_accessor'], wrap['wrapped_accessor']);
    }
  }
  const data = asRecord(record['data']) ?? {};
  for (const k of Object.keys(data).sort()) add(k, data[k], looksLikeTtl(k) ? ttlValue(data[k]) : formatValue(data[k]));
  return { rows, fields };
}

/** Vault's OutputSecret prints fields that look like TTLs (ttl, *_ttl, period, *_period) as durations. */
function looksLikeTtl(key: string): boolean {
  return key === 'ttl' || key.endsWith('_ttl') || key === 'period' || key.endsWith('_period');
}

function ttlValue(value: unknown): string {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
  return n === undefined ? formatValue(value) : humanDuration(n);
}
