/**
 * The in-memory dataset every trainkit loop consumes: examples live on the host in typed arrays,
 * and each step uploads one batch. Batch order is a pure function of (seed, epoch), so a run
 * stopped after batch k of epoch e resumes with exactly the same batches: the data order needs no
 * state beyond those numbers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import { Rng } from '../engine/rng.js';
import { copyRows, gatherRows } from '../engine/gather_rows.js';

export interface ArrayDataset {
  /** Number of examples. */
  readonly size: number;
  /** Shape of one example, e.g. [28, 28, 1] or [784]. */
  readonly xShape: readonly number[];
  /** All examples, row-major: size × prod(xShape) values. */
  readonly x: Float32Array;
  /** Shape of one target: [] for a class index, [k] for a vector (soft labels, regression). */
  readonly yShape: readonly number[];
  /** All targets: class indices (Int32Array) or values (Float32Array), size × prod(yShape). */
  readonly y: Int32Array | Float32Array;
  /** Number of classes when y holds class indices. */
  readonly numClasses?: number;
  /** Optional class names, index → name. */
  readonly classNames?: readonly string[];
  /**
   * Optional per-example weights of the loss (size values, finite and >= 0): `fit` and `evaluate`
   * weight example i's loss by weight[i] (Σ w_i·l_i / Σ w_i).
   */
  readonly weight?: Float32Array;
}

export interface Batch {
  /** [b, ...xShape] float32. */
  x: tf.Tensor;
  /** [b, ...yShape]: int32 class indices or float32 values. */
  y: tf.Tensor;
  /** Indices of the examples in the dataset. */
  indices: Int32Array;
}

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Builds an ArrayDataset, checking that the arrays and shapes agree. */
export function arrayDataset(d: ArrayDataset): ArrayDataset {
  checkNumber('size', d.size, { min: 0, integer: true });
  if (d.x.length !== d.size * prod(d.xShape))
    throw new InvalidArgumentError('x.length', d.x.length, `size × prod(xShape) = ${d.size} × ${prod(d.xShape)}`);
  if (d.y.length !== d.size * prod(d.yShape))
    throw new InvalidArgumentError('y.length', d.y.length, `size × prod(yShape) = ${d.size} × ${prod(d.yShape)}`);
  if (d.weight !== undefined) {
    if (d.weight.length !== d.size) throw new InvalidArgumentError('weight.length', d.weight.length, `one weight per example (${d.size})`);
    for (let i = 0; i < d.size; i++)
      if (!(Number.isFinite(d.weight[i]) && d.weight[i] >= 0)) throw new InvalidArgumentError(`weight[${i}]`, d.weight[i], 'a finite number >= 0');
  }
  if (d.numClasses !== undefined) {
    checkNumber('numClasses', d.numClasses, { min: 1, integer: true });
    for (let i = 0; i < d.y.length; i++)
      if (d.y[i] < 0 || d.y[i] >= d.numClasses || !Number.isInteger(d.y[i]))
        throw new InvalidArgumentError(`y[${i}]`, d.y[i], `a class index in [0, ${d.numClasses})`);
  }
  return d;
}

/** A new dataset holding the examples at `indices`, in that order. */
export function subset(d: ArrayDataset, indices: ArrayLike<number>): ArrayDataset {
  const xs = prod(d.xShape);
  const ys = prod(d.yShape);
  const x = new Float32Array(indices.length * xs);
  const y = d.y instanceof Int32Array ? new Int32Array(indices.length * ys) : new Float32Array(indices.length * ys);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= d.size) throw new InvalidArgumentError('index', i, `an integer in [0, ${d.size})`);
  }
  copyRows(d.x, indices, xs, x);
  copyRows(d.y, indices, ys, y);
  const weight = d.weight === undefined ? {} : { weight: Float32Array.from(indices, (i) => d.weight![i]) };
  return { ...d, size: indices.length, x, y, ...weight };
}

/** The example order of one epoch: a permutation seeded by (seed, epoch), or 0..n-1 unshuffled. */
export function epochOrder(size: number, options: { shuffle?: boolean; seed?: number; epoch?: number } = {}): Int32Array {
  const { shuffle = true, seed = 0, epoch = 0 } = options;
  if (!shuffle) return Int32Array.from({ length: size }, (_, i) => i);
  checkNumber('epoch', epoch, { min: 0, integer: true });
  // One stream per epoch, derived from the seed: epoch e's order does not depend on how many
  // draws earlier epochs made.
  return new Rng(seed * 100_003 + epoch).permutation(size);
}

export interface BatchOptions {
  batchSize: number;
  /** Shuffle each epoch (default true). */
  shuffle?: boolean;
  /** Seed of the data order (default 0). */
  seed?: number;
  /** Which epoch's order (default 0). */
  epoch?: number;
  /** Skip this many batches at the start (exact resume). Default 0. */
  startBatch?: number;
  /** Drop a last, smaller batch (default false). */
  dropRemainder?: boolean;
}

/** Number of batches one epoch yields. */
export function batchCount(size: number, batchSize: number, dropRemainder = false): number {
  return dropRemainder ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
}

/**
 * The batches of one epoch, uploaded one at a time. The caller disposes each batch's tensors
 * (tf.dispose([b.x, b.y])) when done with it.
 *
 * @example
 * for (const b of batches(train, { batchSize: 64, seed: 1, epoch })) { ...; tf.dispose([b.x, b.y]); }
 */
export function* batches(d: ArrayDataset, options: BatchOptions): Generator<Batch> {
  const { batchSize, shuffle = true, seed = 0, epoch = 0, startBatch = 0, dropRemainder = false } = options;
  checkNumber('batchSize', batchSize, { min: 1, integer: true });
  checkNumber('startBatch', startBatch, { min: 0, integer: true });
  const order = epochOrder(d.size, { shuffle, seed, epoch });
  const n = batchCount(d.size, batchSize, dropRemainder);
  for (let b = startBatch; b < n; b++) {
    const indices = order.subarray(b * batchSize, Math.min(d.size, (b + 1) * batchSize));
    // Rows copied straight into the backend's memory where it allows (engine's gatherRows).
    yield {
      x: gatherRows(d.x, indices, d.xShape),
      y: gatherRows(d.y, indices, d.yShape),
      indices: Int32Array.from(indices),
    };
  }
}
