// The public surface of data/ (also the package entry 'trainkit/data'): datasets in memory and as
// streams, loaders, splits, fitted preprocessing.
export {
  arrayDataset,
  subset,
  epochOrder,
  batchCount,
  batches,
  type ArrayDataset,
  type Batch,
  type BatchOptions,
} from './dataset.js';
export { type BatchSource, type BatchStream, type StreamBatch, type StreamRequest } from './stream.js';
export { imageFolder, type ImageFolder, type ImageFolderOptions, type ImageBatch } from './image-folder.js';
export { fashionMnist, FASHION_MNIST_CLASSES } from './fashion-mnist.js';
export { mnist } from './mnist.js';
export { cifar10, parseCifar10, readCifar10, CIFAR10_CLASSES, type Cifar10Options } from './cifar10.js';
export { loadIdxDataset, type IdxDatasetSpec, type IdxFileSpec, type IdxLoadOptions, type Layout } from './idx-dataset.js';
export { parseIdx, readIdx, type IdxArray, type IdxData, type IdxDtype } from './idx.js';
export { parseCsv, readCsv, type CsvOptions } from './csv.js';
export { ChecksumError, downloadVerified, type DownloadOptions } from './download.js';
export { trainValidationSplit, kFold, type Split, type TrainValidationSplitOptions, type KFoldOptions } from './split.js';
export { fitMeanSubtraction, fitStandardization, type Normalization, type NormalizeOptions } from './normalize.js';
export { fitPca, pcaReconstruct, type Pca, type PcaOptions } from './pca.js';
export { type PcaSolver } from './principal-axes.js';
export { fitWhitening, type Whitening, type WhiteningOptions } from './whitening.js';
export { applyPreprocessor, type Preprocessor } from './preprocess.js';
