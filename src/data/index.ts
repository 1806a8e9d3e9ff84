export { parseIdx, readIdx, type IdxArray, type IdxData, type IdxDtype } from './idx.js';
export {
  loadFashionMnist,
  fashionMnistPlaces,
  FASHION_MNIST_CLASSES,
  type FashionMnist,
  type FashionMnistOptions,
} from './fashion-mnist.js';
export {
  arrayDataset,
  subset,
  epochOrder,
  batches,
  batchCount,
  type ArrayDataset,
  type Batch,
  type BatchOptions,
} from './dataset.js';
