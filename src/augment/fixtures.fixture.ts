// Small images for the augmentation tests: deterministic, distinct values per pixel.
import * as tf from '@tensorflow/tfjs-core';

/** [n, h, w, c] float32 images with distinct values in (0, 1). */
export function images(n: number, h: number, w: number, c: number): tf.Tensor4D {
  const size = n * h * w * c;
  return tf.tensor4d(Float32Array.from({ length: size }, (_, i) => ((i * 7919) % size) / size + 0.5 / size), [n, h, w, c]);
}

/** int32 class labels 0..n-1. */
export function labels(n: number): tf.Tensor1D {
  return tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i), 'int32');
}

/** The values of a tensor as a nested array of numbers. */
export function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}
