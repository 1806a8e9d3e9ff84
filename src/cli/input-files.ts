/**
 * Files `trainkit predict` reads as model inputs:
 * - images, `.png` and `.jpg`/`.jpeg`: one example each, decoded and resized exactly as
 *   `imageFolder` does for training (data/image-decode.ts, data/resize.ts): pixels scaled to [0, 1],
 *   converted to the run's channel count (one channel: ITU-R 601 luma, as PIL's convert('L'); three:
 *   RGB; alpha dropped) and resized with PIL's antialiased bilinear filter to the run's image size. A flat example shape [n] is taken as a √n × √n grey image
 *   (or √(n/3) × √(n/3) RGB). Nothing else of a run's preprocessing (standardisation, ...) is
 *   applied: give such runs arrays;
 * - arrays, `.npy` (NumPy's format, C order, little-endian or byte-sized numbers) and `.json` (nested
 *   arrays of numbers): the values, in row-major order, are k = size / prod(example shape) examples
 *   taken as they are (already preprocessed).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { decodeImage } from '../data/image-decode.js';
import { resizeBilinear } from '../data/resize.js';
import { TrainkitError } from '../errors.js';

/** The examples of one file: k × prod(exampleShape) values. */
export interface InputExamples {
  count: number;
  values: Float32Array;
}

const IMAGE = new Set(['.png', '.jpg', '.jpeg']);
const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Reads FILE as examples of `exampleShape` (see the module comment); a TrainkitError names what is wrong. */
export function readInputFile(file: string, exampleShape: readonly number[]): InputExamples {
  const ext = extname(file).toLowerCase();
  if (!IMAGE.has(ext) && ext !== '.npy' && ext !== '.json')
    throw new TrainkitError(`Cannot read ${file}: unknown type ${JSON.stringify(ext)} (expected .png, .jpg, .jpeg, .npy or .json)`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new TrainkitError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    if (IMAGE.has(ext)) return { count: 1, values: imageExample(bytes, file, exampleShape) };
    const values = ext === '.npy' ? parseNpy(bytes) : parseJsonArray(bytes.toString('utf8'));
    const size = prod(exampleShape);
    if (values.length === 0 || values.length % size !== 0)
      throw new Error(`${values.length} values are not a whole number of examples of shape [${exampleShape}] (${size} values each)`);
    return { count: values.length / size, values };
  } catch (e) {
    if (e instanceof TrainkitError) throw e;
    throw new TrainkitError(`Cannot read ${file}: ${(e as Error).message}`);
  }
}

/** [H, W, C] of an example shape that is an image ([H, W, C], or flat [n] = a square grey or RGB image). */
function imageShape(exampleShape: readonly number[]): [number, number, number] {
  if (exampleShape.length === 3 && (exampleShape[2] === 1 || exampleShape[2] === 3)) return [exampleShape[0], exampleShape[1], exampleShape[2]];
  if (exampleShape.length === 1) {
    const n = exampleShape[0];
    const grey = Math.round(Math.sqrt(n));
    if (grey * grey === n) return [grey, grey, 1];
    const rgb = Math.round(Math.sqrt(n / 3));
    if (3 * rgb * rgb === n) return [rgb, rgb, 3];
  }
  throw new TrainkitError(`the run's examples have shape [${exampleShape}], not an image's ([H, W, 1 or 3], or a flat square image): give .npy or .json arrays`);
}

function imageExample(bytes: Uint8Array, file: string, exampleShape: readonly number[]): Float32Array {
  const [h, w, c] = imageShape(exampleShape);
  const img = decodeImage(bytes, file, c === 1 ? 1 : 3);
  return resizeBilinear(img.data, img.height, img.width, c, h, w);
}

/** The values of a .npy file (NumPy format 1.0–3.0, C order), as float32. */
export function parseNpy(bytes: Uint8Array): Float32Array {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) throw new Error('not a .npy file (no \\x93NUMPY magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = (major === 1 ? 10 : 12) + headerLength;
  const header = new TextDecoder().decode(bytes.subarray(major === 1 ? 10 : 12, start));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shapeText === undefined) throw new Error(`unreadable .npy header ${JSON.stringify(header.trim())}`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error('a Fortran-ordered array (save it with C order: np.ascontiguousarray)');
  const size = shapeText.split(',').filter((s) => s.trim() !== '').reduce((a, s) => a * Number(s), 1);
  const readers: Record<string, [number, (o: number) => number]> = {
    '<f4': [4, (o) => view.getFloat32(o, true)],
    '<f8': [8, (o) => view.getFloat64(o, true)],
    '|u1': [1, (o) => view.getUint8(o)],
    '|i1': [1, (o) => view.getInt8(o)],
    '|b1': [1, (o) => view.getUint8(o)],
    '<u2': [2, (o) => view.getUint16(o, true)],
    '<i2': [2, (o) => view.getInt16(o, true)],
    '<i4': [4, (o) => view.getInt32(o, true)],
    '<u4': [4, (o) => view.getUint32(o, true)],
    '<i8': [8, (o) => Number(view.getBigInt64(o, true))],
  };
  const reader = readers[descr];
  if (reader === undefined) throw new Error(`unsupported dtype ${JSON.stringify(descr)} (expected one of ${Object.keys(readers).join(', ')})`);
  const [width, read] = reader;
  if (start + size * width > bytes.length) throw new Error(`the file holds fewer than the ${size} values its header announces`);
  return Float32Array.from({ length: size }, (_, i) => read(start + i * width));
}

function parseJsonArray(text: string): Float32Array {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new Error('expected a JSON array of numbers (nested arrays allowed)');
  const flat = (value as unknown[]).flat(Infinity);
  const bad = flat.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new Error(`value ${bad} is ${JSON.stringify(flat[bad])}, not a finite number`);
  return Float32Array.from(flat as number[]);
}
