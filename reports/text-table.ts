/** Plain-text tables for terminals and logs. */

/** Columns padded to their widest cell; numbers (and `-`) right-aligned. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+\d.e]+$/.test(r[i])));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Integers as they are, 1000 and above rounded to an integer, smaller values to four significant digits. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined) return '-';
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 1000 ? String(Math.round(x)) : String(Number(x.toPrecision(4)));
}
