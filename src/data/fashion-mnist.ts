/** Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 70,000 grey 28×28 images of clothing in 10 classes. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkNumber, InvalidArgumentError, TrainkitError } from '../errors.js';
import { readIdx } from './idx.js';

export interface FashionMnistOptions {
  /** 'train' (60,000 images) or 't10k' test set ('test', 10,000 images). */
  split: 'train' | 'test';
  /** Keep only the first `limit` examples (an integer >= 1). Default: all. */
  limit?: number;
  /** A folder to look in first. */
  dir?: string;
  /** Also look in the standard places when `dir` lacks the files. Default true. */
  fallback?: boolean;
}

export interface FashionMnist {
  /** n·784 pixels, row-major, scaled to [0, 1]. */
  images: Float32Array;
  /** n class indices in 0..9. */
  labels: Int32Array;
  n: number;
}

/** The Fashion-MNIST class names, by label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

/** The folders `loadFashionMnist` searches, in order. */
export function fashionMnistPlaces(dir?: string, fallback = true): string[] {
  const places: string[] = [];
  if (dir !== undefined) places.push(dir);
  if (!fallback) return places;
  const env = process.env.TRAINKIT_DATA;
  if (env) places.push(join(env, 'fashion-mnist'), env);
  places.push('/usr/share/datasets/fashion-mnist', join(homedir(), '.cache', 'trainkit', 'fashion-mnist'));
  return places;
}

function find(place: string, base: string): string | undefined {
  for (const name of [`${base}.gz`, base]) if (existsSync(join(place, name))) return join(place, name);
  return undefined;
}

/**
 * Loads a split of Fashion-MNIST from the original IDX files (`train-images-idx3-ubyte.gz`,
 * `train-labels-idx1-ubyte.gz`, `t10k-…`; gzip-compressed or not). Looks, in order, in `dir`,
 * `$TRAINKIT_DATA/fashion-mnist`, `$TRAINKIT_DATA`, `/usr/share/datasets/fashion-mnist` (Debian's
 * `dataset-fashion-mnist` package) and `~/.cache/trainkit/fashion-mnist`; the first folder that
 * holds both files of the split wins. When none does it throws a TrainkitError listing every place
 * it looked. It does not download anything (downloading into the cache comes in a later version).
 *
 * @example
 * const { images, labels, n } = await loadFashionMnist({ split: 'test', limit: 1000 });
 * // images: Float32Array(1000 * 784) in [0, 1]; labels: Int32Array(1000) in 0..9
 */
export async function loadFashionMnist(options: FashionMnistOptions): Promise<FashionMnist> {
  const o = { fallback: true, ...options };
  if (o.split !== 'train' && o.split !== 'test')
    throw new InvalidArgumentError('split', o.split, "'train' or 'test'");
  if (o.limit !== undefined) checkNumber('limit', o.limit, { min: 1, integer: true });
  const prefix = o.split === 'train' ? 'train' : 't10k';
  const imagesBase = `${prefix}-images-idx3-ubyte`;
  const labelsBase = `${prefix}-labels-idx1-ubyte`;
  const places = fashionMnistPlaces(o.dir, o.fallback);
  for (const place of places) {
    const imagesPath = find(place, imagesBase);
    const labelsPath = find(place, labelsBase);
    if (imagesPath === undefined || labelsPath === undefined) continue;
    const [images, labels] = await Promise.all([readIdx(imagesPath), readIdx(labelsPath)]);
    const [count, rows, cols] = images.shape;
    if (images.dtype !== 'uint8' || images.shape.length !== 3 || rows !== 28 || cols !== 28)
      throw new TrainkitError(
        `${imagesPath}: expected uint8 images of shape [N, 28, 28], got ${images.dtype} [${images.shape}]`,
      );
    if (labels.dtype !== 'uint8' || labels.shape.length !== 1 || labels.shape[0] !== count)
      throw new TrainkitError(`${labelsPath}: expected ${count} uint8 labels, got ${labels.dtype} [${labels.shape}]`);
    const n = Math.min(count, o.limit ?? count);
    const out = new Float32Array(n * 784);
    for (let i = 0; i < out.length; i++) out[i] = images.data[i] / 255;
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = labels.data[i];
      if (y[i] > 9) throw new TrainkitError(`${labelsPath}: label ${y[i]} at index ${i} is not a class 0..9`);
    }
    return { images: out, labels: y, n };
  }
  throw new TrainkitError(
    `Fashion-MNIST (${o.split} split) not found: looked for ${imagesBase}[.gz] and ${labelsBase}[.gz] in\n` +
      places.map((p) => `  - ${p}`).join('\n') +
      '\nInstall the Debian package dataset-fashion-mnist, put the files in one of these folders, set TRAINKIT_DATA, ' +
      'or pass { dir }. (trainkit does not download data sets yet.)',
  );
}
