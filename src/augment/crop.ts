/**
 * Random crops: the CIFAR recipe's padded crop (pad 4, crop 32: He et al. 2016) and the
 * Inception-style random-resized crop (Szegedy et al. 2015; torchvision's `RandomResizedCrop`).
 */
import { InvalidArgumentError, checkNumber } from '../errors.js';
import type { Rng } from '../engine/rng.js';
import { type Augmentation, checkImages, checkRange, checkSize } from './types.js';
import { cropResize, translation, warpAffine, type PixelBox } from './warp.js';

export interface RandomCropOptions {
  /** Output [height, width]. Required. */
  size: [number, number];
  /** Zeros added on every side before cropping. Default 0. */
  padding?: number;
}

/**
 * Zero-pads every side by `padding`, then takes an h×w window placed uniformly at random in the
 * padded image (one window per image). Done as one integer-translation warp, so no padded copy is
 * made and pixels are copied exactly.
 *
 * @example
 * const aug = randomCrop({ size: [32, 32], padding: 4 }); // CIFAR-10's standard crop
 */
export function randomCrop(options: RandomCropOptions): Augmentation {
  const { size, padding } = { padding: 0, ...options };
  const [h, w] = checkSize('size', size);
  checkNumber('padding', padding, { min: 0, integer: true });
  return (batch, rng: Rng) => {
    checkImages(batch.x);
    const [n, height, width] = batch.x.shape;
    const rows = height + 2 * padding - h + 1;
    const cols = width + 2 * padding - w + 1;
    if (rows < 1 || cols < 1)
      throw new InvalidArgumentError('size', size, `at most the padded image [${height + 2 * padding}, ${width + 2 * padding}] (image [${height}, ${width}] with padding ${padding})`);
    const maps = Array.from({ length: n }, () => {
      const top = rng.int(rows) - padding;
      const left = rng.int(cols) - padding;
      return translation(left, top);
    });
    return { x: warpAffine(batch.x, maps, { size: [h, w], interpolation: 'nearest' }), y: batch.y };
  };
}

export interface RandomResizedCropOptions {
  /** Output [height, width]. Required. */
  size: [number, number];
  /** Range of the crop's area as a fraction of the image's. Default [0.08, 1]. */
  scale?: [number, number];
  /** Range of the crop's aspect ratio width / height. Default [3/4, 4/3]. */
  ratio?: [number, number];
}

const RESIZED_DEFAULTS = { scale: [0.08, 1] as [number, number], ratio: [3 / 4, 4 / 3] as [number, number] };

/**
 * torchvision's box rule: up to 10 tries of area ~ U(scale)·H·W and log-ratio ~ U(log ratio), the box
 * placed uniformly; if none fits, the largest centred box whose ratio is clamped into `ratio`.
 */
export function sampleResizedCropBox(rng: Rng, height: number, width: number, scale: [number, number], ratio: [number, number]): PixelBox {
  const area = height * width;
  const [logLo, logHi] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && h > 0 && w <= width && h <= height) return { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/**
 * Crops a random region of area fraction in `scale` and aspect ratio in `ratio` from each image and
 * resizes it (bilinear) to `size`.
 *
 * @example
 * const aug = randomResizedCrop({ size: [224, 224] }); // scale [0.08, 1], ratio [3/4, 4/3]
 */
export function randomResizedCrop(options: RandomResizedCropOptions): Augmentation {
  const o = { ...RESIZED_DEFAULTS, ...options };
  const size = checkSize('size', o.size);
  const scale = checkRange('scale', o.scale, { min: 0, max: 1, minExclusive: true });
  const ratio = checkRange('ratio', o.ratio, { min: 0, minExclusive: true });
  return (batch, rng) => {
    checkImages(batch.x);
    const [n, height, width] = batch.x.shape;
    const boxes = Array.from({ length: n }, () => sampleResizedCropBox(rng, height, width, scale, ratio));
    return { x: cropResize(batch.x, boxes, size), y: batch.y };
  };
}

export interface ScaleCropOptions {
  /** Output [height, width] (the ResNet recipe: [224, 224]). Required. */
  size: [number, number];
  /** Range of the short side L the image is resized to before cropping. Default [256, 480]. */
  shortSide?: [number, number];
}

/**
 * The ResNet/VGG scale augmentation (Simonyan & Zisserman 2015; He et al. 2016): each image's short
 * side is resized to L ~ U[lo, hi] (an integer), then a `size` window is cropped at a uniform
 * place. Resizing then cropping is one crop-and-resize of the matching box of the original, so no
 * resized copy is made.
 *
 * @example
 * const aug = compose(resnetScaleCrop({ size: [224, 224], shortSide: [256, 480] }), flipLeftRight());
 */
export function resnetScaleCrop(options: ScaleCropOptions): Augmentation {
  const o = { shortSide: [256, 480] as [number, number], ...options };
  const size = checkSize('size', o.size);
  const [lo, hi] = checkRange('shortSide', o.shortSide, { min: 1 });
  if (lo < Math.max(...size)) throw new InvalidArgumentError('shortSide', o.shortSide, `a low end of at least the crop's larger side ${Math.max(...size)}`);
  return (batch, rng) => {
    checkImages(batch.x);
    const [n, height, width] = batch.x.shape;
    const boxes = Array.from({ length: n }, (): PixelBox => {
      const L = Math.round(lo) + rng.int(Math.round(hi) - Math.round(lo) + 1);
      const factor = L / Math.min(height, width); // resized pixels per original pixel
      const rh = Math.round(height * factor);
      const rw = Math.round(width * factor);
      const top = rng.int(rh - size[0] + 1);
      const left = rng.int(rw - size[1] + 1);
      return { top: top / factor, left: left / factor, height: (size[0] - 1) / factor + 1, width: (size[1] - 1) / factor + 1 };
    });
    return { x: cropResize(batch.x, boxes, size), y: batch.y };
  };
}
