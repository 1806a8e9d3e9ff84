/**
 * Mixing two images and their labels: mixup (Zhang et al. 2018) blends whole images, CutMix (Yun et
 * al. 2019) pastes a box of one into the other. Each pairs the batch with a random permutation of
 * itself and draws one λ ~ Beta(α, α) per batch, as both papers' reference code; labels become
 * soft (probability rows), which `softmaxCrossEntropy` and `accuracy` take as they are.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng.js';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { type Augmentation, type AugmentBatch, checkImages, takeImages } from './types.js';
import { betaDraw } from './beta.js';
import { clippedSpan, spanRows } from './cutout.js';

export interface MixOptions {
  /** α of Beta(α, α), > 0. Default 0.2 (mixup), 1 (CutMix). */
  alpha?: number;
  /** Classes, to one-hot int32 labels. Required for int32 labels; float rows are used as they are. */
  numClasses?: number;
}

/** The labels as float32 probability rows [n, C] (int32 indices one-hot; needs `numClasses`). */
export function softLabels(y: tf.Tensor, numClasses: number | undefined, n: number): tf.Tensor2D {
  if (y.dtype === 'int32') {
    if (numClasses === undefined)
      throw new InvalidArgumentError('numClasses', numClasses, 'the number of classes (an integer >= 2), to one-hot int32 labels');
    if (y.rank !== 1 || y.shape[0] !== n) throw new InvalidArgumentError('batch.y', `an int32 tensor of shape [${y.shape}]`, `class indices of shape [${n}]`);
    return tf.tidy(() => tf.cast(tf.oneHot(y as tf.Tensor1D, numClasses), 'float32') as tf.Tensor2D);
  }
  if (y.rank !== 2 || y.shape[0] !== n) throw new InvalidArgumentError('batch.y', `a ${y.dtype} tensor of shape [${y.shape}]`, `int32 class indices [${n}] or probability rows [${n}, classes]`);
  return tf.cast(y, 'float32') as tf.Tensor2D;
}

function checkMixOptions(o: { alpha: number; numClasses?: number | undefined }): void {
  checkNumber('alpha', o.alpha, { min: 0, minExclusive: true });
  if (o.numClasses !== undefined) checkNumber('numClasses', o.numClasses, { min: 2, integer: true });
}

/** The draw shared by both: λ, then the partner of each image. */
function drawPairing(rng: Rng, alpha: number, n: number): { lambda: number; partner: Int32Array } {
  const lambda = betaDraw(rng, alpha, alpha);
  return { lambda, partner: rng.permutation(n) };
}

/** y·w + y[partner]·(1 − w), as float rows. */
function blendLabels(batch: AugmentBatch, numClasses: number | undefined, partner: Int32Array, weight: number): tf.Tensor2D {
  return tf.tidy(() => {
    const y = softLabels(batch.y, numClasses, batch.x.shape[0]);
    return tf.add(tf.mul(y, weight), tf.mul(tf.gather(y, tf.tensor1d(partner, 'int32')), 1 - weight)) as tf.Tensor2D;
  });
}

/**
 * mixup: x̃ = λ·x + (1 − λ)·x[π], ỹ = λ·y + (1 − λ)·y[π], λ ~ Beta(α, α), π a random permutation.
 *
 * @example
 * const aug = mixup({ alpha: 0.2, numClasses: 10 });
 */
export function mixup(options: MixOptions = {}): Augmentation {
  const o = { alpha: 0.2, ...options };
  checkMixOptions(o);
  return (batch, rng) => {
    checkImages(batch.x);
    const n = batch.x.shape[0];
    const { lambda, partner } = drawPairing(rng, o.alpha, n);
    const y = blendLabels(batch, o.numClasses, partner, lambda);
    const x = tf.tidy(() => tf.add(tf.mul(batch.x, lambda), tf.mul(takeImages(batch.x, partner), 1 - lambda)) as tf.Tensor4D);
    return { x, y };
  };
}

/**
 * CutMix: a box of relative side √(1 − λ), centred uniformly and clipped at the border, is pasted
 * from image π(i) into image i; the label weight of image i is then 1 − (box area / image area).
 *
 * @example
 * const aug = cutmix({ alpha: 1, numClasses: 10 });
 */
export function cutmix(options: MixOptions = {}): Augmentation {
  const o = { alpha: 1, ...options };
  checkMixOptions(o);
  return (batch, rng) => {
    checkImages(batch.x);
    const [n, height, width] = batch.x.shape;
    const { lambda, partner } = drawPairing(rng, o.alpha, n);
    const side = Math.sqrt(1 - lambda);
    const rows = clippedSpan(rng.int(height), Math.floor(height * side), height);
    const cols = clippedSpan(rng.int(width), Math.floor(width * side), width);
    const pasted = ((rows[1] - rows[0]) * (cols[1] - cols[0])) / (height * width);
    const y = blendLabels(batch, o.numClasses, partner, 1 - pasted);
    const x = tf.tidy(() => {
      const box = tf.mul(tf.tensor4d(spanRows([rows], height), [1, height, 1, 1]), tf.tensor4d(spanRows([cols], width), [1, 1, width, 1]));
      const other = takeImages(batch.x, partner);
      return tf.add(tf.mul(batch.x, tf.sub(1, box)), tf.mul(other, box)) as tf.Tensor4D;
    });
    return { x, y };
  };
}
