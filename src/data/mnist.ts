/** MNIST (LeCun, Bottou, Bengio & Haffner 1998): 70,000 grey 28×28 handwritten digits. */
import type { ArrayDataset } from './dataset.js';
import { loadIdxDataset, type IdxDatasetSpec, type IdxLoadOptions } from './idx-dataset.js';

/**
 * The official MNIST files. yann.lecun.com now refuses anonymous downloads, so the mirrors are
 * PyTorch's and TensorFlow's copies of the same files (same SHA-256).
 */
export const MNIST: IdxDatasetSpec = {
  name: 'mnist',
  title: 'MNIST',
  splits: {
    train: {
      images: { file: 'train-images-idx3-ubyte.gz', sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609' },
      labels: { file: 'train-labels-idx1-ubyte.gz', sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c' },
    },
    test: {
      images: { file: 't10k-images-idx3-ubyte.gz', sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6' },
      labels: { file: 't10k-labels-idx1-ubyte.gz', sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6' },
    },
  },
  mirrors: ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'https://storage.googleapis.com/cvdf-datasets/mnist/'],
  imageShape: [28, 28],
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};

/**
 * Loads a split of MNIST (60,000 train / 10,000 test) as an ArrayDataset: pixels in [0, 1],
 * xShape [28, 28, 1] (`layout: 'image'`, the default) or [784] (`'flat'`), class indices 0..9.
 * Looks in `dir`, `$TRAINKIT_DATA/mnist`, `$TRAINKIT_DATA` and `~/.cache/trainkit/mnist` (Debian
 * packages no MNIST), then downloads into the cache with SHA-256 verification.
 *
 * @example
 * const train = await mnist({ split: 'train', layout: 'flat' });
 * train.size; // 60000
 */
export function mnist(options: IdxLoadOptions): Promise<ArrayDataset> {
  return loadIdxDataset(MNIST, options);
}
