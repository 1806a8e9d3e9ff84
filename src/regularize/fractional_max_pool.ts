/**
 * Fractional max pooling (Graham 2014, "Fractional max-pooling"): shrink each spatial axis by a
 * ratio α in (1, 2) instead of 2, pooling over regions whose sizes are a random mix of 1s and 2s.
 *
 * Rule (per axis, n_in → n_out = floor(n_in / ratio), as TensorFlow's `fractional_max_pool`): the
 * region boundaries 0 = a_0 < a_1 < … < a_{n_out} = n_in have increments floor(β) or ceil(β),
 * β = n_in / n_out (1s and 2s whenever β ≤ 2; small inputs may need 2s and 3s). Output i pools rows
 * [a_i, a_{i+1}) ('disjoint') or [a_i, a_{i+1}] clamped to the input ('overlapping').
 * - `sequence: 'random'` (default): the increments are a random permutation of the right number of
 *   floor(β)s and ceil(β)s;
 * - `sequence: 'pseudorandom'`: a_i = ceil(β(i + u)) − ceil(βu), u ~ U[0, 1) (the paper's formula).
 * At train time rows and columns get independent sequences from the Rng at every call (shared by the
 * minibatch's images); at test time the sequence is fixed: the pseudorandom one with u = 1/2 —
 * unless the layer's `randomAtInference` is set, when inference draws regions as training does.
 * Graham's test-time model averaging (predictions averaged over ~12 draws of the regions) is
 * `fmpAverage` (fractional_max_pool_average.ts), which sets it for the duration of its draws.
 *
 * The pooling is computed with one-hot selection matrices and matrix products (and elementwise
 * maxima, which send each output's gradient to exactly one input), so it runs and differentiates on
 * every backend, including wasm, which lacks the gradient of `gather`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, checkNumber } from '../errors.js';
import type { Rng } from '../engine/rng.js';
import { SeededLayer, type Kwargs, type SeededLayerArgs } from './seeded_layer.js';

export type PoolingSequenceKind = 'random' | 'pseudorandom';

/** Options of `poolingSequence`. */
export interface PoolingSequenceOptions {
  /** Draw the sequence from this Rng (training); without one, the fixed test-time sequence. */
  rng?: Rng;
  /** Default 'random'. */
  sequence?: PoolingSequenceKind;
}

function checkRatio(value: unknown): number {
  return checkNumber('poolingRatio', value, { min: 1, max: 2, minExclusive: true, maxExclusive: true });
}

function checkSequence(value: unknown): PoolingSequenceKind {
  if (value !== 'random' && value !== 'pseudorandom')
    throw new InvalidArgumentError('sequence', value, "'random' or 'pseudorandom'");
  return value;
}

/** floor(n / ratio): the output length of an axis of length n. */
export function pooledLength(n: number, ratio: number): number {
  return Math.floor(n / checkRatio(ratio));
}

/**
 * The region boundaries a_0 = 0 < … < a_{n_out} = n for an axis of length `n` (see the file's rule).
 *
 * @example
 * poolingSequence(10, 1.5, { rng: new Rng(0) }); // e.g. Int32Array [0, 2, 3, 5, 6, 7, 9, 10]
 */
export function poolingSequence(n: number, ratio: number, options: PoolingSequenceOptions = {}): Int32Array {
  checkNumber('input length', n, { min: 1, integer: true });
  const { rng, sequence } = { sequence: 'random' as PoolingSequenceKind, ...options };
  checkSequence(sequence);
  const out = pooledLength(n, ratio);
  if (out < 1) throw new InvalidArgumentError('input length', n, `at least poolingRatio = ${ratio}, so the output is not empty`);
  const beta = n / out;
  const a = new Int32Array(out + 1);
  if (rng !== undefined && sequence === 'random') {
    const lo = Math.floor(beta);
    const steps = new Int32Array(out).fill(lo);
    for (let i = 0; i < n - lo * out; i++) steps[i] = lo + 1; // the remainder as ceil(β) steps
    rng.shuffle(steps);
    for (let i = 0; i < out; i++) a[i + 1] = a[i] + steps[i];
  } else {
    const u = rng === undefined ? 0.5 : rng.next();
    const base = Math.ceil(beta * u);
    for (let i = 1; i < out; i++) a[i] = Math.ceil(beta * (i + u)) - base;
    a[out] = n;
  }
  return a;
}

/**
 * Selection matrices for one axis: k-th matrix [n_out, n_in] picks the k-th row of each region
 * (repeating the region's last row when it is shorter than the longest).
 */
function selections(a: Int32Array, n: number, overlapping: boolean): Float32Array[] {
  const out = a.length - 1;
  const ends = Array.from({ length: out }, (_, i) => (overlapping ? Math.min(a[i + 1], n - 1) : a[i + 1] - 1));
  const width = Math.max(...ends.map((e, i) => e - a[i] + 1));
  return Array.from({ length: width }, (_, k) => {
    const s = new Float32Array(out * n);
    for (let i = 0; i < out; i++) s[i * n + Math.min(a[i] + k, ends[i])] = 1;
    return s;
  });
}

/** Max over regions along axis 1 of x [b, n, m]: [b, n_out, m]. */
function poolAxis(x: tf.Tensor3D, a: Int32Array, overlapping: boolean): tf.Tensor3D {
  const n = x.shape[1];
  const out = a.length - 1;
  let result: tf.Tensor3D | null = null;
  for (const s of selections(a, n, overlapping)) {
    const picked = tf.matMul(tf.tensor3d(s, [1, out, n]), x) as tf.Tensor3D;
    result = result === null ? picked : (tf.maximum(result, picked) as tf.Tensor3D);
  }
  return result!;
}

/**
 * Max pooling of NHWC `x` over the regions given by row boundaries `rows` and column boundaries
 * `cols` (from `poolingSequence`): [b, rows.length − 1, cols.length − 1, c].
 */
export function maxPoolRegions(x: tf.Tensor4D, rows: Int32Array, cols: Int32Array, overlapping = false): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  if (rows[rows.length - 1] !== h || cols[cols.length - 1] !== w)
    throw new InvalidArgumentError('pooling sequences', { rows: rows.at(-1), cols: cols.at(-1) }, `ending at the input size ${h}×${w}`);
  const oh = rows.length - 1;
  const ow = cols.length - 1;
  return tf.tidy(() => {
    const byRows = poolAxis(tf.reshape(x, [b, h, w * c]), rows, overlapping); // [b, oh, w·c]
    const byCols = poolAxis(tf.reshape(byRows, [b * oh, w, c]), cols, overlapping); // [b·oh, ow, c]
    return tf.reshape(byCols, [b, oh, ow, c]);
  });
}

/** Options of `fractionalMaxPool`. */
export interface FractionalMaxPoolOptions {
  /** α in (1, 2), for both axes or [rows, cols]. */
  poolingRatio: number | [number, number];
  /** Random regions when true, the fixed test-time regions otherwise. */
  training: boolean;
  /** Required when training. Draws the row sequence, then the column sequence. */
  rng?: Rng;
  /** Regions share their boundary row/column with the next one. Default false. */
  overlapping?: boolean;
  /** Default 'random'. */
  sequence?: PoolingSequenceKind;
}

function ratios(r: number | [number, number]): [number, number] {
  const pair: unknown[] = Array.isArray(r) ? r : [r, r];
  if (pair.length !== 2) throw new InvalidArgumentError('poolingRatio', r, 'a number or [rows, cols]');
  return [checkRatio(pair[0]), checkRatio(pair[1])];
}

/**
 * Fractional max pooling of NHWC `x`: [b, h, w, c] → [b, floor(h/αh), floor(w/αw), c].
 *
 * @example
 * const y = fractionalMaxPool(x, { poolingRatio: Math.SQRT2, training, rng }); // 32×32 → 22×22
 */
export function fractionalMaxPool(x: tf.Tensor4D, options: FractionalMaxPoolOptions): tf.Tensor4D {
  const o = { overlapping: false, sequence: 'random' as PoolingSequenceKind, ...options };
  const [rh, rw] = ratios(o.poolingRatio);
  checkSequence(o.sequence);
  if (typeof o.overlapping !== 'boolean') throw new InvalidArgumentError('overlapping', o.overlapping, 'a boolean');
  if (x.rank !== 4) throw new InvalidArgumentError('input rank', x.rank, '4 (NHWC)');
  if (o.training && o.rng === undefined) throw new InvalidArgumentError('rng', o.rng, 'an Rng when training');
  const rng = o.training ? o.rng : undefined;
  const rows = poolingSequence(x.shape[1], rh, { rng, sequence: o.sequence });
  const cols = poolingSequence(x.shape[2], rw, { rng, sequence: o.sequence });
  return maxPoolRegions(x, rows, cols, o.overlapping);
}

export interface FractionalMaxPooling2DArgs extends SeededLayerArgs {
  /** α in (1, 2), for both axes or [rows, cols]; e.g. √2. */
  poolingRatio: number | [number, number];
  /** Default false. */
  overlapping?: boolean;
  /** Default 'random'. */
  sequence?: PoolingSequenceKind;
  /**
   * Draw random regions at inference too (each `predict` call draws new ones from the layer's
   * generator), for averaging predictions over draws. Saved in the config. Default false: fixed
   * regions at inference. `fmpAverage` sets it only while it averages.
   */
  randomAtInference?: boolean;
}

/**
 * Fractional max pooling of NHWC images: random regions per training call, fixed ones otherwise
 * (random ones at inference too when `randomAtInference` is set).
 *
 * @example
 * model.add(new FractionalMaxPooling2D({ poolingRatio: Math.SQRT2, seed: 5 }));
 */
export class FractionalMaxPooling2D extends SeededLayer {
  static className = 'trainkit>FractionalMaxPooling2D';
  readonly poolingRatio: [number, number];
  readonly overlapping: boolean;
  readonly sequence: PoolingSequenceKind;
  /** Random regions at inference (see the option); may be changed between calls. */
  randomAtInference: boolean;

  constructor(args: FractionalMaxPooling2DArgs) {
    super(args, 'fractional_max_pooling2d');
    const o = { overlapping: false, sequence: 'random' as PoolingSequenceKind, randomAtInference: false, ...args };
    this.poolingRatio = ratios(o.poolingRatio);
    if (typeof o.overlapping !== 'boolean') throw new InvalidArgumentError('overlapping', o.overlapping, 'a boolean');
    if (typeof o.randomAtInference !== 'boolean') throw new InvalidArgumentError('randomAtInference', o.randomAtInference, 'a boolean');
    this.overlapping = o.overlapping;
    this.sequence = checkSequence(o.sequence);
    this.randomAtInference = o.randomAtInference;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    if (s.length !== 4) throw new InvalidArgumentError('input shape', s, '[batch, height, width, channels]');
    const [rh, rw] = this.poolingRatio;
    return [s[0], s[1] == null ? null : pooledLength(s[1], rh), s[2] == null ? null : pooledLength(s[2], rw), s[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return fractionalMaxPool(x, {
      poolingRatio: this.poolingRatio,
      training: this.isTraining(kwargs) || this.randomAtInference,
      rng: this.rng,
      overlapping: this.overlapping,
      sequence: this.sequence,
    });
  }

  override getConfig() {
    return {
      ...super.getConfig(),
      poolingRatio: [...this.poolingRatio],
      overlapping: this.overlapping,
      sequence: this.sequence,
      randomAtInference: this.randomAtInference,
    };
  }
}
tf.serialization.registerClass(FractionalMaxPooling2D);
