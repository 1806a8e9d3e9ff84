/**
 * RandAugment (Cubuk et al. 2020): N operations, each chosen uniformly per image from a fixed list,
 * all at one magnitude M on torchvision's 0–30 scale (M/30 of each operation's largest strength;
 * geometric and colour-factor operations take a random sign per image). Equalize and sharpness are
 * left out (no batched kernel); the rest follow torchvision's ranges.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../errors.js';
import { affineMap, type AffineParams } from './affine.js';
import { applyJitter } from './color.js';
import { compose, oneOf } from './compose.js';
import { type Augmentation, checkImages } from './types.js';
import { warpAffine } from './warp.js';

export interface RandAugmentOptions {
  /** Operations per image. Default 2. */
  n?: number;
  /** Magnitude in [0, 30]. Default 9. */
  m?: number;
}

const NEUTRAL: AffineParams = { angle: 0, dx: 0, dy: 0, scale: 1, shear: 0 };

/** A geometric operation: each image's affine parameters from its random sign. */
function geometric(params: (sign: number, height: number, width: number) => Partial<AffineParams>): Augmentation {
  return (batch, rng) => {
    checkImages(batch.x);
    const [n, height, width] = batch.x.shape;
    const maps = Array.from({ length: n }, () => affineMap({ ...NEUTRAL, ...params(rng.bernoulli(0.5) ? 1 : -1, height, width) }, height, width));
    return { x: warpAffine(batch.x, maps), y: batch.y };
  };
}

/** A colour-factor operation: factor 1 ± strength per image. */
function factor(strength: number, which: 'brightness' | 'contrast' | 'saturation'): Augmentation {
  return (batch, rng) => {
    checkImages(batch.x);
    const grey = batch.x.shape[3] === 1;
    const params = Array.from({ length: batch.x.shape[0] }, () => {
      const f = 1 + (rng.bernoulli(0.5) ? 1 : -1) * strength;
      return { brightness: 1, contrast: 1, saturation: 1, hue: 0, [which]: which === 'saturation' && grey ? 1 : f };
    });
    return { x: applyJitter(batch.x, params, true), y: batch.y };
  };
}

/** A deterministic per-pixel operation. */
function pointwise(f: (x: tf.Tensor4D) => tf.Tensor): Augmentation {
  return (batch) => {
    checkImages(batch.x);
    return { x: tf.tidy(() => f(batch.x) as tf.Tensor4D), y: batch.y };
  };
}

/** The operations at magnitude fraction t = M / 30, for images in [0, 1]. */
export function randAugmentOps(t: number): Record<string, Augmentation> {
  const bits = 8 - Math.floor(4 * t);
  const levels = 2 ** bits - 1;
  return {
    identity: (batch) => ({ x: batch.x, y: batch.y }),
    shearX: geometric((s) => ({ shear: (s * Math.atan(0.3 * t) * 180) / Math.PI })),
    translateX: geometric((s, _h, w) => ({ dx: Math.round(s * t * (150 / 331) * w) })),
    translateY: geometric((s, h) => ({ dy: Math.round(s * t * (150 / 331) * h) })),
    rotate: geometric((s) => ({ angle: s * 30 * t })),
    brightness: factor(0.9 * t, 'brightness'),
    color: factor(0.9 * t, 'saturation'),
    contrast: factor(0.9 * t, 'contrast'),
    posterize: pointwise((x) => tf.div(tf.floor(tf.mul(tf.clipByValue(x, 0, 1), levels + 0.999)), levels + 0.999)),
    solarize: pointwise((x) => tf.where(tf.greaterEqual(x, 1 - t), tf.sub(1, x), x)),
    autoContrast: pointwise((x) => {
      // Each channel stretched to [0, 1]; a flat channel (max = min) is left alone.
      const lo = tf.min(x, [1, 2], true);
      const range = tf.sub(tf.max(x, [1, 2], true), lo);
      const flat = tf.cast(tf.lessEqual(range, 0), 'float32');
      const shift = tf.mul(lo, tf.sub(1, flat));
      const scale = tf.div(1, tf.add(tf.mul(range, tf.sub(1, flat)), flat));
      return tf.mul(tf.sub(x, shift), scale);
    }),
  };
}

/**
 * N random operations per image at magnitude M (out of 30).
 *
 * @example
 * const aug = randAugment({ n: 2, m: 9 });
 */
export function randAugment(options: RandAugmentOptions = {}): Augmentation {
  const { n, m } = { n: 2, m: 9, ...options };
  checkNumber('n', n, { min: 1, integer: true });
  checkNumber('m', m, { min: 0, max: 30 });
  const ops = Object.values(randAugmentOps(m / 30));
  return compose(...Array.from({ length: n }, () => oneOf(...ops)));
}
