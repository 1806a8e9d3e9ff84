/**
 * Tabular data from CSV: numeric feature columns and one label column, which becomes class indices
 * (with `classNames`) or float targets.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { InvalidArgumentError, TrainkitError } from '../errors.js';
import type { ArrayDataset } from './dataset.js';

export interface CsvOptions {
  /** The first record names the columns (default true). */
  header?: boolean;
  /**
   * The label column: an index (negative counts from the end), a header name, or null for none
   * (then yShape is [0]). Default -1, the last column.
   */
  labelColumn?: number | string | null;
  /** One character between cells (default ','). */
  delimiter?: string;
  /**
   * true: labels are classes (class indices, `classNames` = the distinct labels, sorted numerically
   * when all are numbers, else as strings); false: float targets (yShape [1]); 'auto' (default):
   * classes when any label is not a number, else float targets.
   */
  categorical?: boolean | 'auto';
  /** Fixes the classes and their order; a label outside them is an error. Implies categorical. */
  classNames?: readonly string[];
}

interface Row {
  line: number;
  cells: string[];
}

/** RFC 4180 records: quoted cells may hold the delimiter, `""` and line breaks. Blank lines are skipped. */
function records(text: string, delimiter: string, source: string): Row[] {
  const rows: Row[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  const endCell = (): void => {
    cells.push(wasQuoted ? cell : cell.trim());
    cell = '';
    wasQuoted = false;
  };
  const endRow = (): void => {
    const blank = cells.length === 0 && cell.trim() === '' && !wasQuoted;
    endCell();
    if (!blank) rows.push({ line: start, cells });
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      wasQuoted = true;
      cell = '';
    } else if (ch === delimiter) endCell();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      start = line;
    } else cell += ch;
  }
  if (quoted) throw new TrainkitError(`${source}: line ${start}: a quoted cell is never closed`);
  endRow();
  return rows;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const isNumber = (s: string): boolean => NUMBER.test(s);

/**
 * Parses CSV text into an ArrayDataset (xShape [features]). Every feature cell must be a decimal
 * number; a bad or missing cell throws a TrainkitError naming its line, column and value. `source`
 * names the text in errors.
 *
 * @example
 * const ds = parseCsv('a,b,species\n1,2,cat\n3,4,dog\n');
 * // ds.xShape [2], ds.y Int32Array [0, 1], ds.classNames ['cat', 'dog']
 */
export function parseCsv(text: string, options: CsvOptions = {}, source = 'CSV'): ArrayDataset {
  const o = { header: true, labelColumn: -1 as number | string | null, delimiter: ',', categorical: 'auto' as boolean | 'auto', ...options };
  if (typeof o.delimiter !== 'string' || o.delimiter.length !== 1 || o.delimiter === '"' || o.delimiter === '\n')
    throw new InvalidArgumentError('delimiter', o.delimiter, 'one character other than a quote or a line break');
  if (o.categorical !== true && o.categorical !== false && o.categorical !== 'auto')
    throw new InvalidArgumentError('categorical', o.categorical, "true, false or 'auto'");
  if (o.classNames !== undefined && o.categorical === false)
    throw new InvalidArgumentError('categorical', false, 'true or auto when classNames is given');
  const rows = records(text, o.delimiter, source);
  const head = o.header ? rows.shift() : undefined;
  if (head === undefined && o.header) throw new TrainkitError(`${source}: empty, expected a header line`);
  const width = head?.cells.length ?? rows[0]?.cells.length ?? 0;
  const names = head?.cells ?? Array.from({ length: width }, (_, i) => `column ${i + 1}`);
  let label: number | null = null;
  if (typeof o.labelColumn === 'string') {
    label = names.indexOf(o.labelColumn);
    if (!o.header || label < 0)
      throw new InvalidArgumentError('labelColumn', o.labelColumn, o.header ? `one of ${JSON.stringify(names)}` : 'an index (there is no header)');
  } else if (o.labelColumn !== null) {
    const i = o.labelColumn;
    if (!Number.isInteger(i) || i < -width || i >= width)
      throw new InvalidArgumentError('labelColumn', i, `an integer in [${-width}, ${width}), a header name or null`);
    label = i < 0 ? width + i : i;
  }
  const where = (r: Row, c: number): string => `${source}: line ${r.line}, column ${c + 1}${o.header ? ` (${names[c]})` : ''}`;
  const features = label === null ? width : width - 1;
  const x = new Float32Array(rows.length * features);
  const labels: string[] = [];
  rows.forEach((r, k) => {
    if (r.cells.length !== width)
      throw new TrainkitError(`${source}: line ${r.line} has ${r.cells.length} cells, expected ${width}`);
    let f = 0;
    r.cells.forEach((cell, c) => {
      if (c === label) {
        if (cell === '') throw new TrainkitError(`${where(r, c)}: the label is missing`);
        labels.push(cell);
        return;
      }
      if (!isNumber(cell))
        throw new TrainkitError(`${where(r, c)}: ${cell === '' ? 'the cell is empty' : `${JSON.stringify(cell)} is not a number`}`);
      x[k * features + f++] = Number(cell);
    });
  });
  const base = { size: rows.length, xShape: [features], x };
  if (label === null) return { ...base, yShape: [0], y: new Float32Array(0) };
  const categorical = o.classNames !== undefined || (o.categorical === 'auto' ? !labels.every(isNumber) : o.categorical);
  if (!categorical) return { ...base, yShape: [1], y: Float32Array.from(labels, Number) };
  const classNames =
    o.classNames ??
    (labels.every(isNumber)
      ? [...new Set(labels)].sort((a, b) => Number(a) - Number(b))
      : [...new Set(labels)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  const index = new Map(classNames.map((name, i) => [name, i]));
  const y = new Int32Array(rows.length);
  rows.forEach((r, k) => {
    const i = index.get(labels[k]);
    if (i === undefined)
      throw new TrainkitError(`${where(r, label as number)}: label ${JSON.stringify(labels[k])} is not one of the classNames ${JSON.stringify(classNames)}`);
    y[k] = i;
  });
  return { ...base, yShape: [], y, numClasses: classNames.length, classNames };
}

/**
 * Reads a CSV file (gzip-compressed when it starts with the gzip magic bytes) into an
 * ArrayDataset, as `parseCsv`. A `source` holding a line break is taken as the CSV text itself.
 *
 * @example
 * const iris = await readCsv('iris.csv', { header: false, categorical: true });
 */
export async function readCsv(source: string, options: CsvOptions = {}): Promise<ArrayDataset> {
  if (/[\r\n]/.test(source)) return parseCsv(source, options);
  let bytes: Buffer;
  try {
    bytes = await readFile(source);
  } catch (e) {
    throw new TrainkitError(`${source}: cannot read the file (${(e as Error).message})`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new TrainkitError(`${source}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  return parseCsv(bytes.toString('utf8'), options, source);
}
