/**
 * Numbers and params as text in SQL columns. SQL has no portable NaN or infinities (PostgreSQL's
 * float8 has them, SQLite turns NaN into NULL), so every value, intermediate value and numeric
 * param is stored as JavaScript's shortest round-trip decimal: exact for every double, with
 * 'NaN', 'Infinity', '-Infinity' and '-0' spelled out.
 */
import type { ParamValue } from './types.js';

/**
 * `x` as text that `decodeNumber` turns back into the same double.
 *
 * @example
 * encodeNumber(-Infinity); // '-Infinity'
 */
export function encodeNumber(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/** The number `encodeNumber` wrote. */
export function decodeNumber(text: string): number {
  return Number(text);
}

/**
 * A param value as text: a number as `encodeNumber` writes it, any other choice (string, boolean,
 * null) as JSON, so the number 1 and the string '1' stay apart.
 *
 * @example
 * encodeParam('1'); // '"1"'
 */
export function encodeParam(value: ParamValue): string {
  return typeof value === 'number' ? encodeNumber(value) : JSON.stringify(value);
}

/** The param value `encodeParam` wrote. */
export function decodeParam(text: string): ParamValue {
  return text.startsWith('"') || text === 'true' || text === 'false' || text === 'null' ? (JSON.parse(text) as ParamValue) : decodeNumber(text);
}
