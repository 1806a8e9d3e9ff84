/**
 * Formatting for the generated benchmark page (docs/benchmarks.md, written by bench/report.ts):
 * numbers read from result files that may lack fields, dates, markdown tables.
 */

/** A finite number, else undefined (a field an older result file lacks, null, a string). */
export function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

/** A non-empty string, else undefined. */
export function str(x: unknown): string | undefined {
  return typeof x === 'string' && x !== '' ? x : undefined;
}

/** An array, else an empty one. */
export function list<T>(x: T[] | null | undefined): T[] {
  return Array.isArray(x) ? x : [];
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Rounded to an integer, with thousands separators: 5438.26 → "5,438". */
export function int(x: number): string {
  return grouped.format(Math.round(x));
}

/**
 * 3 significant digits below 100, an integer with separators from 100 up, never exponent
 * notation in the ranges a benchmark produces: 0.31717 → "0.317", 19.296 → "19.3", 4492.7 → "4,493".
 */
export function sig3(x: number): string {
  return Math.abs(x) >= 99.95 ? int(x) : x.toPrecision(3);
}

/** Exponent notation, up to 3 significant digits: 6.3562e-5 → "6.36e-5", 5e-4 → "5e-4", 0 → "0". */
export function sci(x: number): string {
  return x === 0 ? '0' : x.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/** A count that may be fractional (an average): 12 → "12", 2.6667 → "2.7". */
export function count(x: number): string {
  return Number.isInteger(x) ? int(x) : x.toFixed(1);
}

/** A fraction as a percentage: percent(0.8338) → "83.4%". */
export function percent(x: number, decimals = 1): string {
  return `${(100 * x).toFixed(decimals)}%`;
}

/** An ISO time as "2026-11-27 03:55:57 UTC"; undefined when it is not a date. */
export function utc(iso: unknown): string | undefined {
  if (typeof iso !== 'string') return undefined;
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? undefined : `${t.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Seconds between two ISO times, when both are dates. */
export function secondsBetween(from: unknown, to: unknown): number | undefined {
  if (typeof from !== 'string' || typeof to !== 'string') return undefined;
  const s = (new Date(to).getTime() - new Date(from).getTime()) / 1000;
  return Number.isFinite(s) ? s : undefined;
}

/** A markdown table; `align` per column ('l' or 'r'). Pipes and line breaks in cells are escaped. */
export function table(header: string[], align: Array<'l' | 'r'>, rows: string[][]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`, ...rows.map(line)].join('\n');
}
