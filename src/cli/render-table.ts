// src/cli — Vault's table layout: columns joined by four spaces, the last column unpadded,
// an empty cell shown as `n/a`, and a header underlined by dashes of the header's length.

const GLUE = '    ';

export function renderTable(header: readonly string[] | undefined, rows: readonly (readonly string[])[]): string {
  const all: string[][] = [];
  if (header) {
    all.push([...header]);
    all.push(header.map((h) => '-'.repeat(h.length)));
  }
  for (const row of rows) all.push(row.map((cell) => (cell === '' ? 'n/a' : cell)));
  const columns = Math.max(0, ...all.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < columns; c++) widths.push(Math.max(0, ...all.map((r) => (r[c] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
        .join(GLUE)
        .trimEnd(),
    )
    .join('\n');
}

/** The two-column `Key  Value` table most commands print. */
export function renderKeyValue(rows: readonly (readonly [string, string])[]): string {
  return renderTable(['Key', 'Value'], rows);
}
