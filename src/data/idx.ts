/**
 * The IDX file format of MNIST and Fashion-MNIST (LeCun et al.): a 4-byte magic number
 * `0x00 0x00 TYPE NDIMS`, NDIMS big-endian uint32 dimensions, then the values, big-endian, in
 * row-major order. TYPE is 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
 */
import { readFile } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { TrainkitError } from '../errors.js';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  /** The dimensions, outermost first (e.g. [10000, 28, 28]). */
  shape: number[];
  dtype: IdxDtype;
  /** The values in row-major order, in the host's byte order. */
  data: IdxData;
}

interface TypeInfo {
  dtype: IdxDtype;
  bytes: number;
  make: (n: number) => IdxData;
  read: (view: DataView, offset: number) => number;
}

const TYPES: Record<number, TypeInfo> = {
  0x08: { dtype: 'uint8', bytes: 1, make: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o) },
  0x09: { dtype: 'int8', bytes: 1, make: (n) => new Int8Array(n), read: (v, o) => v.getInt8(o) },
  0x0b: { dtype: 'int16', bytes: 2, make: (n) => new Int16Array(n), read: (v, o) => v.getInt16(o) },
  0x0c: { dtype: 'int32', bytes: 4, make: (n) => new Int32Array(n), read: (v, o) => v.getInt32(o) },
  0x0d: { dtype: 'float32', bytes: 4, make: (n) => new Float32Array(n), read: (v, o) => v.getFloat32(o) },
  0x0e: { dtype: 'float64', bytes: 8, make: (n) => new Float64Array(n), read: (v, o) => v.getFloat64(o) },
};

const hex = (b: number): string => b.toString(16).padStart(2, '0');

/**
 * Decodes the bytes of an (uncompressed) IDX file. `source` names the file in error messages.
 * Throws a TrainkitError for a bad magic number, a truncated header or body, or trailing bytes.
 * uint8 data is a view on `bytes` (no copy); wider types are converted from big-endian.
 *
 * @example
 * const { shape, dtype, data } = parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]));
 * // shape [2], dtype 'uint8', data Uint8Array [7, 9]
 */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  const fail = (what: string): never => {
    throw new TrainkitError(`${source}: ${what}`);
  };
  if (bytes.length < 4) fail(`truncated: ${bytes.length} bytes, too short for the 4-byte IDX magic number`);
  const magic = [...bytes.subarray(0, 4)].map(hex).join('');
  const type = TYPES[bytes[2]];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined || bytes[3] === 0)
    fail(
      `bad magic number 0x${magic}: not an IDX file ` +
        '(expected 0x0000TTNN, TT one of 08, 09, 0b, 0c, 0d, 0e and NN >= 1 dimensions)',
    );
  const ndims = bytes[3];
  const header = 4 + 4 * ndims;
  if (bytes.length < header)
    fail(`truncated: ${bytes.length} bytes, too short for the header of ${ndims} dimensions (${header} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * type.bytes;
  const got = bytes.length - header;
  const want = `expected ${expected} for shape [${shape.join(', ')}] of ${type.dtype}`;
  if (got < expected) fail(`truncated: ${got} bytes of data, ${want}`);
  if (got > expected) fail(`size mismatch: ${got} bytes of data, ${want} (${got - expected} trailing bytes)`);
  let data: IdxData;
  if (type.bytes === 1 && type.dtype === 'uint8') data = new Uint8Array(bytes.buffer, bytes.byteOffset + header, count);
  else {
    data = type.make(count);
    for (let i = 0; i < count; i++) data[i] = type.read(view, header + i * type.bytes);
  }
  return { shape, dtype: type.dtype, data };
}

/**
 * Reads an IDX file, gzip-compressed (recognised by its content, not its name) or plain. Throws a
 * TrainkitError naming the file for a missing file, corrupt or truncated gzip data, a bad magic
 * number, a truncated body or trailing bytes.
 *
 * @example
 * const labels = await readIdx('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz');
 * labels.shape; // [10000]
 */
export async function readIdx(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new TrainkitError(`${path}: cannot read the file (${(e as Error).message})`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await promisify(gunzip)(bytes);
    } catch (e) {
      throw new TrainkitError(`${path}: corrupt or truncated gzip data (${(e as Error).message})`);
    }
  }
  return parseIdx(bytes, path);
}
