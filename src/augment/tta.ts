/**
 * Test-time augmentation: predictions averaged over fixed views of each image (softmax
 * probabilities, then the mean), e.g. the ten-crop evaluation of AlexNet and the multi-scale crops
 * of the ResNet paper. Views draw nothing: the same input always gives the same output.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors.js';
import { mirrorLeftRight } from './flip.js';
import { checkImages, checkSize } from './types.js';
import { cropResize, type PixelBox } from './warp.js';

/** A deterministic view of a batch of images (the caller disposes what it returns). */
export type View = (x: tf.Tensor4D) => tf.Tensor4D;

/** A model at inference: a function of the images, or anything with `predict(x)` (a tf.LayersModel). */
export type Predictor = ((x: tf.Tensor4D) => tf.Tensor) | { predict(x: tf.Tensor4D): tf.Tensor | tf.Tensor[] };

function logitsOf(model: Predictor, x: tf.Tensor4D): tf.Tensor {
  const out = typeof model === 'function' ? model(x) : model.predict(x);
  if (Array.isArray(out)) throw new InvalidArgumentError('model', `a model of ${out.length} outputs`, 'a model of one output (logits)');
  return out;
}

/**
 * The mean over `views` of softmax(model(view(x))): [n, classes] probabilities.
 *
 * @example
 * const probs = tta(model, x, tenCrop({ size: [28, 28], scales: [1, 0.875] }));
 */
export function tta(model: Predictor, x: tf.Tensor4D, views: View[]): tf.Tensor2D {
  checkImages(x, 'x');
  if (!Array.isArray(views) || views.length === 0) throw new InvalidArgumentError('views', views, 'at least one view (x) => x');
  return tf.tidy(() => {
    let sum: tf.Tensor | undefined;
    for (const view of views) {
      const p = tf.softmax(logitsOf(model, view(x)));
      sum = sum === undefined ? p : tf.add(sum, p);
    }
    return tf.div(sum as tf.Tensor, views.length) as tf.Tensor2D;
  });
}

export interface TenCropOptions {
  /** Output [height, width] of every view. Required. */
  size: [number, number];
  /**
   * Image scales: at scale s the image is seen as resized by s and the crops are `size` windows of
   * it (windows of size/s of the original). Default [1].
   */
  scales?: number[];
  /** Add the mirror image of every crop. Default true. */
  flips?: boolean;
}

/**
 * The four corner crops and the centre crop at each scale, and their mirror images (10 views per
 * scale, as AlexNet's test-time evaluation).
 *
 * @example
 * const views = tenCrop({ size: [24, 24] }); // from 28×28 images
 */
export function tenCrop(options: TenCropOptions): View[] {
  const o = { scales: [1], flips: true, ...options };
  const size = checkSize('size', o.size);
  if (!Array.isArray(o.scales) || o.scales.length === 0 || !o.scales.every((s) => typeof s === 'number' && s > 0 && Number.isFinite(s)))
    throw new InvalidArgumentError('scales', o.scales, 'a non-empty list of positive scales');
  const views: View[] = [];
  for (const s of o.scales)
    for (const place of ['topLeft', 'topRight', 'bottomLeft', 'bottomRight', 'centre'] as const) {
      const crop = cropView(size, s, place);
      views.push(crop);
      if (o.flips) views.push((x) => tf.tidy(() => mirrorLeftRight(crop(x))));
    }
  return views;
}

type Place = 'topLeft' | 'topRight' | 'bottomLeft' | 'bottomRight' | 'centre';

function cropView(size: [number, number], scale: number, place: Place): View {
  return (x) => {
    checkImages(x, 'x');
    const [n, height, width] = x.shape;
    const bh = size[0] / scale;
    const bw = size[1] / scale;
    if (bh > height || bw > width)
      throw new InvalidArgumentError('scales', scale, `a scale of at least ${Math.max(size[0] / height, size[1] / width)} for [${size}] crops of [${height}, ${width}] images`);
    const top = place === 'centre' ? (height - bh) / 2 : place.startsWith('top') ? 0 : height - bh;
    const left = place === 'centre' ? (width - bw) / 2 : place.endsWith('Left') ? 0 : width - bw;
    const box: PixelBox = { top, left, height: (size[0] - 1) / scale + 1, width: (size[1] - 1) / scale + 1 };
    return cropResize(x, Array.from({ length: n }, () => box), size);
  };
}
