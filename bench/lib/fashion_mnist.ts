/**
 * Fashion-MNIST from Debian's `dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist, IDX
 * files, gzip), as float32 pixels in [0, 1] and int labels. Falls back to a synthetic set of the
 * same shape when the files are absent, and says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { Rng } from '../../src/engine/rng.js';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export interface ImageSet {
  images: Float32Array; // n × 784
  labels: Int32Array;
  n: number;
  source: string;
}

function readIdx(path: string, magic: number): { dims: number[]; bytes: Uint8Array } {
  const buf = gunzipSync(readFileSync(path));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getInt32(0) !== magic) throw new Error(`${path}: not an IDX file with magic ${magic}`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getInt32(4 + 4 * i));
  return { dims, bytes: new Uint8Array(buf.buffer, buf.byteOffset + 4 + 4 * rank) };
}

/** The 60,000 training images, or a synthetic stand-in when the dataset is not installed. */
export function loadTrainSet(dir = FASHION_MNIST_DIR): ImageSet {
  const imagesPath = join(dir, 'train-images-idx3-ubyte.gz');
  const labelsPath = join(dir, 'train-labels-idx1-ubyte.gz');
  if (!existsSync(imagesPath) || !existsSync(labelsPath)) return synthetic(60_000);
  const img = readIdx(imagesPath, 2051);
  const lab = readIdx(labelsPath, 2049);
  const n = img.dims[0];
  const images = new Float32Array(n * 784);
  for (let i = 0; i < images.length; i++) images[i] = img.bytes[i] / 255;
  return { images, labels: Int32Array.from(lab.bytes.subarray(0, n)), n, source: `Fashion-MNIST train (${dir})` };
}

function synthetic(n: number): ImageSet {
  const rng = new Rng(0);
  const images = new Float32Array(n * 784);
  for (let i = 0; i < images.length; i++) images[i] = rng.next();
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = rng.int(10);
  return { images, labels, n, source: 'synthetic uniform images (Fashion-MNIST not installed)' };
}
