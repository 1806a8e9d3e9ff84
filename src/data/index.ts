export { parseIdx, readIdx, type IdxArray, type IdxData, type IdxDtype } from './idx.js';
export { ChecksumError, downloadVerified, sha256File, type DownloadOptions } from './download.js';
export { dataPlaces, defaultCacheDir, type PlacesOptions } from './places.js';
export {
  loadIdxDataset,
  type IdxDatasetSpec,
  type IdxFileSpec,
  type IdxLoadOptions,
  type Layout,
} from './idx-dataset.js';
export {
  fashionMnist,
  loadFashionMnist,
  fashionMnistPlaces,
  FASHION_MNIST,
  FASHION_MNIST_CLASSES,
  type FashionMnist,
  type FashionMnistOptions,
} from './fashion-mnist.js';
export { mnist, MNIST } from './mnist.js';
export {
  cifar10,
  cifar10Files,
  parseCifar10,
  readCifar10,
  CIFAR10_CLASSES,
  CIFAR10_URL,
  type Cifar10Options,
} from './cifar10.js';
export { parseCsv, readCsv, type CsvOptions } from './csv.js';
export {
  trainValidationSplit,
  kFold,
  type Split,
  type TrainValidationSplitOptions,
  type KFoldOptions,
} from './split.js';
export { symmetricEigen, type SymmetricEigen } from './eigen.js';
export { fitMeanSubtraction, fitStandardization, type Normalization, type NormalizeOptions } from './normalize.js';
export { fitPca, pcaReconstruct, type Pca, type PcaOptions } from './pca.js';
export type { PcaSolver } from './principal-axes.js';
export { fitWhitening, type Whitening, type WhiteningOptions } from './whitening.js';
export { applyPreprocessor, preprocessValues, type Preprocessor } from './preprocess.js';
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
export { isBatchSource, isBatchStream, type BatchSource, type BatchStream, type StreamBatch, type StreamRequest } from './stream.js';
export { imageFolder, type ImageBatch, type ImageFolder, type ImageFolderOptions } from './image-folder.js';
