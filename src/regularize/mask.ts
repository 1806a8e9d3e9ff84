/**
 * Random masks drawn from trainkit's seeded `Rng` — the one source of randomness behind every
 * dropout variant here, so a run is reproducible from its seed on every backend (TensorFlow.js's
 * own `tf.dropout` draws from its own generator, and a seeded tfjs `Dropout` layer repeats the same
 * mask at every call).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../errors.js';
import type { Rng } from '../engine/rng.js';

/**
 * An "inverted" keep mask: each of `size` entries is `1 / keep` with probability `keep`, else 0,
 * so `x · mask` has the expectation of `x`. One 32-bit draw per entry.
 *
 * @example
 * bernoulliMask(4, 0.5, new Rng(1)); // e.g. Float32Array [2, 0, 2, 2]
 */
export function bernoulliMask(size: number, keep: number, rng: Rng): Float32Array {
  checkNumber('size', size, { min: 0, integer: true });
  checkNumber('keep', keep, { min: 0, max: 1, minExclusive: true });
  const mask = new Float32Array(size);
  const threshold = keep * 4294967296;
  const scale = 1 / keep;
  for (let i = 0; i < size; i++) mask[i] = rng.nextUint32() < threshold ? scale : 0;
  return mask;
}

/** `bernoulliMask` as a float32 tensor of the given shape (the caller disposes it). */
export function bernoulliMaskTensor(shape: readonly number[], keep: number, rng: Rng): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(bernoulliMask(size, keep, rng), [...shape], 'float32');
}

/** Checks a drop probability: a finite number in [0, 1). */
export function checkRate(option: string, value: unknown): number {
  return checkNumber(option, value, { min: 0, max: 1, maxExclusive: true });
}
