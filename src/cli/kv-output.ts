// src/cli — the sectioned tables of the kv commands, as Vault prints them:
// `== Secret Path ==`, `======= Metadata =======`, `=== Data ===`, each banner padded
// with equal signs to the width of the table below it (Vault's padEqualSigns).
import { CliFailure } from './cli-failure.js';
import { asRecord } from './json-shape.js';
import type { JsonRecord } from './json-shape.js';
import type { Output } from './output.js';
import { dataRows } from './output.js';
import { renderKeyValue } from './render-table.js';

export function padEqualSigns(header: string, totalLen: number): string {
  let signs = totalLen - (header.length + 2);
  if (signs <= 0) signs = 4;
  if (signs % 2 !== 0) signs += 1;
  const side = '='.repeat(signs / 2);
  return `${side} ${header} ${side}`;
}

/** Banner width of a map's table: longest key + 4 spaces + len("Value"). */
export function headerFor(header: string, data: JsonRecord): string {
  const maxKey = Math.max(0, ...Object.keys(data).map((k) => k.length));
  return padEqualSigns(header, maxKey + 4 + 5);
}

export function section(out: Output, header: string, data: JsonRecord): void {
  out.print(`${headerFor(header, data)}\n${renderKeyValue(dataRows(data))}`);
}

export function pathSection(out: Output, header: string, path: string): void {
  out.print(`${padEqualSigns(header, path.length)}\n${path}\n`);
}

/** `kv put`/`patch`/`rollback` on v2: the new version's metadata, or one -field of it. */
export function printWriteMetadata(out: Output, apiPath: string, body: unknown): number {
  const metadata = asRecord(asRecord(body)?.['data']) ?? {};
  if (out.field !== undefined) return out.rawField(metadata, out.field);
  if (out.isStructured) {
    out.secretStructured(body);
    return 0;
  }
  pathSection(out, 'Secret Path', apiPath);
  section(out, 'Metadata', metadata);
  return 0;
}

/**
 * `kv get` on v2: metadata then data sections; -field reads the data. A deleted or destroyed
 * version (the server's 404 carrying metadata and no data) is printed without a Data section
 * and exits 0, as Vault's kv get does; only -field fails on it ("No data found", exit 2).
 */
export function printVersioned(out: Output, apiPath: string, body: unknown): number {
  // A wrapped answer (-wrap-ttl) is printed as any secret: its wrapping token, no sections.
  if (asRecord(asRecord(body)?.['wrap_info'])) return out.secret(body);
  const outer = asRecord(asRecord(body)?.['data']) ?? {};
  const data = asRecord(outer['data']);
  const metadata = asRecord(outer['metadata']) ?? {};
  if (out.field !== undefined) {
    if (!data) throw new CliFailure(`No data found at ${apiPath}`, 2);
    // Vault: -field=data names a key called "data" if the secret has one, else the whole map
    // (the idiom `kv get -format=json -field=data PATH` prints the data object alone).
    if (out.field === 'data' && !Object.hasOwn(data, 'data')) return out.rawField({ data }, 'data');
    return out.rawField(data, out.field);
  }
  if (out.isStructured) {
    out.secretStructured(body);
    return 0;
  }
  pathSection(out, 'Secret Path', apiPath);
  section(out, 'Metadata', metadata);
  if (!data) return 0;
  out.print('');
  section(out, 'Data', data);
  return 0;
}

