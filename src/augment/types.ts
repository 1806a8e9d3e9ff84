/**
 * The augmentation contract: a function of a batch and a generator that returns a new batch and
 * never disposes its input. Images are NHWC float32; labels are whatever the loss takes (int32
 * class indices, or float rows once mixup/cutmix made them soft).
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import type { Rng } from '../engine/rng.js';

/** A batch of images (NHWC, float32) and their targets. */
export interface AugmentBatch {
  x: tf.Tensor4D;
  y: tf.Tensor;
}

/**
 * A batch transform. Draws its random parameters from `rng` on the host (cheap, exact, seeded) and
 * applies them on the device as batched tensor operations. It never disposes `batch`'s tensors. It
 * may return `batch.x` or `batch.y` itself when it leaves them alone (geometric and colour
 * transforms return `batch.y`): the caller disposes only the returned tensors that are not its own.
 */
export type Augmentation = (batch: AugmentBatch, rng: Rng) => AugmentBatch;

/** Throws InvalidArgumentError naming `option` unless `x` is a rank-4 float32 tensor (NHWC). */
export function checkImages(x: unknown, option = 'batch.x'): asserts x is tf.Tensor4D {
  if (!(x instanceof tf.Tensor)) throw new InvalidArgumentError(option, x, 'a tf.Tensor4D of images [n, height, width, channels]');
  if (x.rank !== 4)
    throw new InvalidArgumentError(option, `a rank-${x.rank} tensor of shape [${x.shape}]`, 'images of rank 4 [n, height, width, channels] (NHWC)');
  if (x.dtype !== 'float32')
    throw new InvalidArgumentError(option, `a ${x.dtype} tensor`, 'float32 images (cast them, e.g. tf.div(tf.cast(x, "float32"), 255))');
}

/** Checks a probability in [0, 1]. */
export function checkProbability(option: string, p: unknown): number {
  return checkNumber(option, p, { min: 0, max: 1 });
}

/** Checks a `[low, high]` pair of finite numbers with low <= high (and inside the optional bounds). */
export function checkRange(option: string, value: unknown, bounds: { min?: number; max?: number; minExclusive?: boolean } = {}): [number, number] {
  const ok = Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v)) && value[0] <= value[1];
  if (!ok) throw new InvalidArgumentError(option, value, 'a pair [low, high] of finite numbers with low <= high');
  value.forEach((v, i) => checkNumber(`${option}[${i}]`, v, bounds));
  return [value[0], value[1]];
}

/** Checks a `[height, width]` of positive integers. */
export function checkSize(option: string, value: unknown): [number, number] {
  const ok = Array.isArray(value) && value.length === 2 && value.every((v) => Number.isInteger(v) && v > 0);
  if (!ok) throw new InvalidArgumentError(option, value, 'a pair [height, width] of positive integers');
  return [value[0], value[1]];
}

/** An [n, 1, 1, 1] float32 tensor of one number per image, for broadcasting over pixels. */
export function perImage(values: ArrayLike<number>): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from(values), [values.length, 1, 1, 1]);
}

/**
 * `a` where `mask[i]` is true, else `b`, image by image, as m·a + (1 − m)·b with m ∈ {0, 1} (exact
 * for finite values). On the wasm backend this is ~15× faster than a select with a broadcast or
 * tiled boolean mask.
 */
export function selectImages(mask: ArrayLike<boolean>, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const m = tf.tensor(Float32Array.from(mask, Number), [mask.length, ...a.shape.slice(1).map(() => 1)]);
    return tf.add(tf.mul(a, m), tf.mul(b, tf.sub(1, m)));
  });
}

/**
 * Images `indices[k]` of `x`, in that order, as a product with a 0/1 selection matrix: exact for
 * finite pixels and ~3× faster than `tf.gather` along the batch on the wasm backend (whose gather
 * moves one element at a time).
 */
export function takeImages(x: tf.Tensor4D, indices: ArrayLike<number>): tf.Tensor4D {
  const [n, ...rest] = x.shape;
  const m = indices.length;
  return tf.tidy(() => {
    const select = new Float32Array(m * n);
    for (let k = 0; k < m; k++) select[k * n + indices[k]] = 1;
    return tf.reshape(tf.matMul(tf.tensor2d(select, [m, n]), tf.reshape(x, [n, -1])), [m, ...rest]) as tf.Tensor4D;
  });
}
