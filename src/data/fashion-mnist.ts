/** Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 70,000 grey 28×28 images of clothing in 10 classes. */
import type { ArrayDataset } from './dataset.js';
import { loadIdxDataset, type IdxDatasetSpec, type IdxLoadOptions } from './idx-dataset.js';
import { dataPlaces } from './places.js';

/** The Fashion-MNIST class names, by label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

const DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * The official Fashion-MNIST files (SHA-256 of Zalando's distribution; Debian's
 * `dataset-fashion-mnist` recompresses them, so its files hash differently but decode the same).
 */
export const FASHION_MNIST: IdxDatasetSpec = {
  name: 'fashion-mnist',
  title: 'Fashion-MNIST',
  splits: {
    train: {
      images: { file: 'train-images-idx3-ubyte.gz', sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
      labels: { file: 'train-labels-idx1-ubyte.gz', sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
    },
    test: {
      images: { file: 't10k-images-idx3-ubyte.gz', sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
      labels: { file: 't10k-labels-idx1-ubyte.gz', sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
    },
  },
  mirrors: [
    'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
  ],
  imageShape: [28, 28],
  classNames: FASHION_MNIST_CLASSES,
  systemDir: DEBIAN_DIR,
};

/**
 * Loads a split of Fashion-MNIST (60,000 train / 10,000 test) as an ArrayDataset: pixels in
 * [0, 1], xShape [28, 28, 1] (`layout: 'image'`, the default) or [784] (`'flat'`), class indices
 * 0..9 with `classNames`. Looks in `dir`, `$TRAINKIT_DATA/fashion-mnist`, `$TRAINKIT_DATA`,
 * `/usr/share/datasets/fashion-mnist` (Debian's `dataset-fashion-mnist`) and
 * `~/.cache/trainkit/fashion-mnist`, then downloads into the cache with SHA-256 verification.
 *
 * @example
 * const test = await fashionMnist({ split: 'test', limit: 1000 });
 * test.xShape; // [28, 28, 1]
 */
export function fashionMnist(options: IdxLoadOptions): Promise<ArrayDataset> {
  return loadIdxDataset(FASHION_MNIST, options);
}

export interface FashionMnistOptions {
  /** 'train' (60,000 images) or 't10k' test set ('test', 10,000 images). */
  split: 'train' | 'test';
  /** Keep only the first `limit` examples (an integer >= 1). Default: all. */
  limit?: number;
  /** A folder to look in first. */
  dir?: string;
  /** Also look in the standard places (and download into the cache) when `dir` lacks the files. Default true. */
  fallback?: boolean;
}

export interface FashionMnist {
  /** n·784 pixels, row-major, scaled to [0, 1]. */
  images: Float32Array;
  /** n class indices in 0..9. */
  labels: Int32Array;
  n: number;
}

/** The folders `fashionMnist` and `loadFashionMnist` search, in order. */
export function fashionMnistPlaces(dir?: string, fallback = true): string[] {
  return dataPlaces(FASHION_MNIST.name, { dir, fallback, systemDir: DEBIAN_DIR });
}

/**
 * The first loader's interface, kept for its callers: `fashionMnist({ ..., layout: 'flat' })` as
 * plain arrays. Prefer `fashionMnist`, which returns an ArrayDataset.
 *
 * @example
 * const { images, labels, n } = await loadFashionMnist({ split: 'test', limit: 1000 });
 * // images: Float32Array(1000 * 784) in [0, 1]; labels: Int32Array(1000) in 0..9
 */
export async function loadFashionMnist(options: FashionMnistOptions): Promise<FashionMnist> {
  const ds = await fashionMnist({ ...options, layout: 'flat' });
  return { images: ds.x, labels: ds.y as Int32Array, n: ds.size };
}
