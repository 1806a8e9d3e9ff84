/**
 * Mirror images left–right or top–bottom, each image with probability p (Krizhevsky et al. 2012
 * used horizontal reflections). Flips through the FlipLeftRight kernel: `tf.reverse` is ~10× slower
 * on the wasm backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng.js';
import { type Augmentation, checkImages, checkProbability, selectImages } from './types.js';

export interface FlipOptions {
  /** Probability of flipping each image. Default 0.5. */
  p?: number;
}

const DEFAULTS = { p: 0.5 };

/** Every image mirrored left–right (deterministic; the building block of the random flip and of tta views). */
export function mirrorLeftRight(x: tf.Tensor4D): tf.Tensor4D {
  return tf.image.flipLeftRight(x);
}

/** Every image mirrored top–bottom (a transpose around the left–right kernel). */
export function mirrorUpDown(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.transpose(tf.image.flipLeftRight(tf.transpose(x, [0, 2, 1, 3])), [0, 2, 1, 3]));
}

function randomFlip(mirror: (x: tf.Tensor4D) => tf.Tensor4D, options: FlipOptions): Augmentation {
  const { p } = { ...DEFAULTS, ...options };
  checkProbability('p', p);
  return (batch, rng: Rng) => {
    checkImages(batch.x);
    const flips = Array.from({ length: batch.x.shape[0] }, () => rng.bernoulli(p));
    const x = tf.tidy(() => selectImages(flips, mirror(batch.x), batch.x) as tf.Tensor4D);
    return { x, y: batch.y };
  };
}

/**
 * Flips each image left–right with probability `p` (default 0.5).
 *
 * @example
 * const out = flipLeftRight({ p: 0.5 })({ x, y }, new Rng(0));
 */
export function flipLeftRight(options: FlipOptions = {}): Augmentation {
  return randomFlip(mirrorLeftRight, options);
}

/**
 * Flips each image top–bottom with probability `p` (default 0.5).
 *
 * @example
 * const out = flipUpDown({ p: 0.5 })({ x, y }, new Rng(0));
 */
export function flipUpDown(options: FlipOptions = {}): Augmentation {
  return randomFlip(mirrorUpDown, options);
}
