// The public surface of augment/: batch image transforms drawn from a seeded Rng, mixing, and
// test-time augmentation.
export { type Augmentation, type AugmentBatch } from './types.js';
export { flipLeftRight, flipUpDown, type FlipOptions } from './flip.js';
export { randomCrop, randomResizedCrop, resnetScaleCrop, type RandomCropOptions, type RandomResizedCropOptions, type ScaleCropOptions } from './crop.js';
export { colorJitter, type ColorJitterOptions } from './color.js';
export { pcaColor, fitPcaColor, type ColorBasis, type PcaColorOptions } from './pca-color.js';
export { randomAffine, type AffineOptions } from './affine.js';
export { lensDistortion, type LensOptions } from './lens.js';
export { cutout, type CutoutOptions } from './cutout.js';
export { mixup, cutmix, type MixOptions } from './mix.js';
export { compose, randomApply, oneOf } from './compose.js';
export { randAugment, type RandAugmentOptions } from './randaugment.js';
export { tta, tenCrop, type View, type Predictor, type TenCropOptions } from './tta.js';
