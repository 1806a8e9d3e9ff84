/**
 * CIFAR-10 (Krizhevsky 2009) in its binary distribution (`cifar-10-batches-bin/`): each record is
 * 1 label byte then 3,072 pixel bytes, the 1,024 red values, then green, then blue, each plane
 * row-major 32×32. `data_batch_1.bin` … `data_batch_5.bin` hold the 50,000 training images,
 * `test_batch.bin` the 10,000 test images.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkNumber, InvalidArgumentError, TrainkitError } from '../errors.js';
import type { ArrayDataset } from './dataset.js';
import { dataPlaces } from './places.js';

/** The CIFAR-10 class names, by label. */
export const CIFAR10_CLASSES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
] as const;

/** Where the official archive lives (trainkit reads the extracted files; it does not download this one). */
export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

/**
 * Decodes CIFAR-10 binary records into an ArrayDataset: xShape [32, 32, 3] (HWC, channels last as
 * TensorFlow.js wants), pixels scaled to [0, 1], Int32 class indices. `source` names the data in
 * errors. Throws a TrainkitError when the length is not a whole number of 3,073-byte records or a
 * label byte is above 9.
 *
 * @example
 * const ds = parseCifar10(await readFile('cifar-10-batches-bin/test_batch.bin'));
 * ds.size; // 10000
 */
export function parseCifar10(bytes: Uint8Array, source = 'CIFAR-10 data', limit = Infinity): ArrayDataset {
  if (bytes.length % RECORD !== 0)
    throw new TrainkitError(
      `${source}: ${bytes.length} bytes is not a whole number of ${RECORD}-byte CIFAR-10 records ` +
        `(${Math.floor(bytes.length / RECORD)} records and ${bytes.length % RECORD} bytes left over)`,
    );
  const n = Math.min(bytes.length / RECORD, limit);
  const x = new Float32Array(n * 3 * PLANE);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = i * RECORD;
    const label = bytes[r];
    if (label > 9) throw new TrainkitError(`${source}: record ${i} has label ${label}, not a class 0..9`);
    y[i] = label;
    const out = i * 3 * PLANE;
    for (let p = 0; p < PLANE; p++)
      for (let c = 0; c < 3; c++) x[out + 3 * p + c] = bytes[r + 1 + c * PLANE + p] / 255;
  }
  return { size: n, xShape: [SIDE, SIDE, 3], x, yShape: [], y, numClasses: 10, classNames: CIFAR10_CLASSES };
}

/** Joins datasets of the same example shape (the batches of a split). */
function join2(parts: ArrayDataset[]): ArrayDataset {
  const size = parts.reduce((s, p) => s + p.size, 0);
  const x = new Float32Array(size * 3 * PLANE);
  const y = new Int32Array(size);
  let at = 0;
  for (const p of parts) {
    x.set(p.x, at * 3 * PLANE);
    y.set(p.y, at);
    at += p.size;
  }
  return { ...parts[0], size, x, y };
}

/**
 * Reads CIFAR-10 binary batch files, in the order given, into one ArrayDataset; stops reading once
 * `limit` examples are in.
 *
 * @example
 * const ds = await readCifar10(['data_batch_1.bin', 'data_batch_2.bin'], 5000);
 */
export async function readCifar10(paths: readonly string[], limit = Infinity): Promise<ArrayDataset> {
  if (paths.length === 0) throw new InvalidArgumentError('paths', paths, 'at least one CIFAR-10 batch file');
  const parts: ArrayDataset[] = [];
  let have = 0;
  for (const path of paths) {
    if (have >= limit) break;
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw new TrainkitError(`${path}: cannot read the file (${(e as Error).message})`);
    }
    const part = parseCifar10(bytes, path, limit - have);
    parts.push(part);
    have += part.size;
  }
  return join2(parts);
}

export interface Cifar10Options {
  split: 'train' | 'test';
  /** Keep only the first `limit` examples (an integer >= 1). Default: all. */
  limit?: number;
  /** A folder to look in first (the `cifar-10-batches-bin` folder or its parent). */
  dir?: string;
  /** Also look in `$TRAINKIT_DATA/cifar-10`, `$TRAINKIT_DATA` and `~/.cache/trainkit/cifar-10` (default true). */
  fallback?: boolean;
}

/** The batch files of a split. */
export function cifar10Files(split: 'train' | 'test'): string[] {
  return split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
}

/**
 * Loads a split of CIFAR-10 (50,000 train / 10,000 test colour images, 32×32×3, 10 classes) from
 * the extracted binary distribution. Looks for the split's files in each place and in its
 * `cifar-10-batches-bin` subfolder: `dir`, `$TRAINKIT_DATA/cifar-10`, `$TRAINKIT_DATA`,
 * `~/.cache/trainkit/cifar-10`. No registry reachable from trainkit's CI ships CIFAR-10 and it does
 * not download the 162 MB archive itself: when nothing is found the error lists every place looked
 * and the URL to fetch by hand.
 *
 * @example
 * const test = await cifar10({ split: 'test', dir: './data' });
 * test.xShape; // [32, 32, 3]
 */
export async function cifar10(options: Cifar10Options): Promise<ArrayDataset> {
  const o = { fallback: true, ...options };
  if (o.split !== 'train' && o.split !== 'test') throw new InvalidArgumentError('split', o.split, "'train' or 'test'");
  if (o.limit !== undefined) checkNumber('limit', o.limit, { min: 1, integer: true });
  const files = cifar10Files(o.split);
  const places = dataPlaces('cifar-10', { dir: o.dir, fallback: o.fallback }).flatMap((p) => [
    p,
    join(p, 'cifar-10-batches-bin'),
  ]);
  for (const place of places)
    if (files.every((f) => existsSync(join(place, f))))
      return readCifar10(files.map((f) => join(place, f)), o.limit ?? Infinity);
  throw new TrainkitError(
    `CIFAR-10 (${o.split} split) not found: looked for ${files.join(', ')} in\n` +
      places.map((p) => `  - ${p}\n`).join('') +
      `Download ${CIFAR10_URL}, extract it into one of these folders, set TRAINKIT_DATA, or pass { dir }.`,
  );
}
