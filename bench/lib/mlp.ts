/**
 * The benchmark's MLP in TensorFlow.js: 784-512-512-10 with ReLU, softmax cross-entropy, Adam
 * (lr 1e-3), the same model as bench/torch/mlp.py. Dense layers use `tf.fused.matMul` (what
 * tfjs-layers' Dense calls); gradients come from `tf.variableGrads`, updates from trainkit's
 * `adam` applied in place (`stepVariables`) or, for comparison, from `tf.train.adam`.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradient functions
import { Rng } from '../../src/engine/rng.js';
import { adam, stepVariables } from '../../src/optim/index.js';
import type { ImageSet } from './fashion_mnist.js';
import { median } from './stats.js';

export const LAYERS = [784, 512, 512, 10];

export type Params = Record<string, tf.Variable>;

/** PyTorch's nn.Linear initialisation: weights and biases uniform in ±1/√fan_in. */
export function createMlp(seed: number, layers = LAYERS): Params {
  const rng = new Rng(seed);
  const params: Params = {};
  for (let i = 0; i + 1 < layers.length; i++) {
    const [fanIn, fanOut] = [layers[i], layers[i + 1]];
    const bound = 1 / Math.sqrt(fanIn);
    const draw = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-bound, bound));
    params[`w${i + 1}`] = tf.variable(tf.tensor2d(draw(fanIn * fanOut), [fanIn, fanOut]), true, `mlp_w${i + 1}`);
    params[`b${i + 1}`] = tf.variable(tf.tensor1d(draw(fanOut)), true, `mlp_b${i + 1}`);
  }
  return params;
}

function loss(params: Params, x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  let h: tf.Tensor2D = x;
  const depth = Object.keys(params).length / 2;
  for (let i = 1; i <= depth; i++) {
    h = tf.fused.matMul({ a: h, b: params[`w${i}`] as tf.Tensor2D, bias: params[`b${i}`], activation: i < depth ? 'relu' : 'linear' }) as tf.Tensor2D;
  }
  return tf.losses.softmaxCrossEntropy(y, h) as tf.Scalar;
}

export type OptimizerKind = 'trainkit-adam' | 'tfjs-adam';

/** One training step on a batch; returns the batch loss (the caller disposes it). */
export type TrainStep = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Scalar;

export function makeTrainStep(kind: OptimizerKind, params: Params, learningRate = 1e-3): TrainStep {
  const vars = Object.values(params);
  if (kind === 'tfjs-adam') {
    const opt = tf.train.adam(learningRate);
    return (x, y) => opt.minimize(() => loss(params, x, y), true, vars) as tf.Scalar;
  }
  const opt = adam({ learningRate });
  let state = opt.init(params);
  return (x, y) => {
    const { value, grads } = tf.variableGrads(() => loss(params, x, y), vars);
    const byKey = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, grads[v.name]]));
    state = stepVariables(opt, params, byKey, state);
    tf.dispose(grads);
    return value;
  };
}

/** Batches in a shuffled order (a new permutation each epoch), as tensors on the active backend. */
export class Batches {
  private order: Int32Array;
  private at = 0;
  private readonly rng: Rng;

  constructor(private readonly data: ImageSet, private readonly batch: number, seed: number, shuffle = true) {
    this.rng = new Rng(seed);
    this.order = shuffle ? this.rng.permutation(data.n) : Int32Array.from({ length: data.n }, (_, i) => i);
  }

  next(): { x: tf.Tensor2D; y: tf.Tensor2D } {
    if (this.at + this.batch > this.data.n) {
      this.order = this.rng.permutation(this.data.n);
      this.at = 0;
    }
    const xs = new Float32Array(this.batch * 784);
    const ys = new Float32Array(this.batch * 10);
    for (let i = 0; i < this.batch; i++) {
      const k = this.order[this.at + i];
      xs.set(this.data.images.subarray(k * 784, (k + 1) * 784), i * 784);
      ys[i * 10 + this.data.labels[k]] = 1;
    }
    this.at += this.batch;
    return { x: tf.tensor2d(xs, [this.batch, 784]), y: tf.tensor2d(ys, [this.batch, 10]) };
  }
}

export interface MlpResult {
  examplesPerSecond: number;
  perInterval: number[];
  batch: number;
  stepsPerInterval: number;
  warmupSteps: number;
  lastLoss: number;
  leakedTensors: number;
}

/**
 * Training throughput: `warmupSteps` untimed steps, then `intervals` timed runs of
 * `stepsPerInterval` steps (each ending with a read of the loss, so the work is done); examples/s
 * is the median over intervals. Batch preparation (copying pixels into a tensor) is inside the timing,
 * as it is for a user.
 */
export function measureMlp(
  kind: OptimizerKind,
  data: ImageSet,
  o: { batch: number; warmupSteps: number; intervals: number; stepsPerInterval: number; seed: number },
): MlpResult {
  const params = createMlp(o.seed);
  const step = makeTrainStep(kind, params);
  const batches = new Batches(data, o.batch, o.seed + 1);
  const run = (): number => {
    const { x, y } = batches.next();
    const l = step(x, y);
    const v = l.dataSync()[0];
    tf.dispose([x, y, l]);
    return v;
  };
  for (let i = 0; i < o.warmupSteps; i++) run();
  const tensorsBefore = tf.memory().numTensors;
  const perInterval: number[] = [];
  let lastLoss = NaN;
  for (let k = 0; k < o.intervals; k++) {
    const t0 = performance.now();
    for (let i = 0; i < o.stepsPerInterval - 1; i++) {
      const { x, y } = batches.next();
      tf.dispose([x, y, step(x, y)]);
    }
    lastLoss = run();
    perInterval.push((o.batch * o.stepsPerInterval) / ((performance.now() - t0) / 1000));
  }
  const leakedTensors = tf.memory().numTensors - tensorsBefore;
  tf.dispose(Object.values(params));
  return {
    examplesPerSecond: median(perInterval),
    perInterval: [...perInterval].sort((a, b) => a - b),
    batch: o.batch,
    stepsPerInterval: o.stepsPerInterval,
    warmupSteps: o.warmupSteps,
    lastLoss,
    leakedTensors,
  };
}

/** GFLOP/s of an n×n×n float32 product (median of `reps` after one warm-up). */
export function measureGemm(n: number, transposeB: boolean, reps: number): { gflops: number; ms: number[] } {
  const rng = new Rng(7);
  const draw = () => tf.tensor2d(Float32Array.from({ length: n * n }, () => rng.normal()), [n, n]);
  const a = draw();
  const b = draw();
  const once = (): number => {
    const t0 = performance.now();
    const c = tf.matMul(a, b, false, transposeB);
    c.dataSync();
    const ms = performance.now() - t0;
    c.dispose();
    return ms;
  };
  once();
  const ms = Array.from({ length: reps }, once).sort((x, y) => x - y);
  tf.dispose([a, b]);
  return { gflops: (2 * n ** 3) / (median(ms) * 1e6), ms };
}

/**
 * The matrix products of one training step of the benchmark MLP (784-512-512-10, batch 128), as
 * tfjs's gradients compute them: forward A·B, input gradients dY·Wᵀ, weight gradients Xᵀ·dY (the
 * first layer needs no input gradient). bench/torch/mlp.py times the same list with `torch.mm`.
 */
export const MLP_PRODUCTS: ReadonlyArray<{ name: string; m: number; k: number; n: number; transposeA: boolean; transposeB: boolean }> = [
  { name: 'layer 1 forward', m: 128, k: 784, n: 512, transposeA: false, transposeB: false },
  { name: 'layer 2 forward', m: 128, k: 512, n: 512, transposeA: false, transposeB: false },
  { name: 'layer 3 forward', m: 128, k: 512, n: 10, transposeA: false, transposeB: false },
  { name: 'layer 3 input gradient', m: 128, k: 10, n: 512, transposeA: false, transposeB: true },
  { name: 'layer 3 weight gradient', m: 512, k: 128, n: 10, transposeA: true, transposeB: false },
  { name: 'layer 2 input gradient', m: 128, k: 512, n: 512, transposeA: false, transposeB: true },
  { name: 'layer 2 weight gradient', m: 512, k: 128, n: 512, transposeA: true, transposeB: false },
  { name: 'layer 1 weight gradient', m: 784, k: 128, n: 512, transposeA: true, transposeB: false },
];

/**
 * Each of MLP_PRODUCTS on the active backend through `tf.matMul` (operands stored as tfjs's
 * gradients hold them: a transposed operand is a flag, not a copy): the median of `reps` timed
 * calls after one warm-up, in ms and GFLOP/s. The cpu and wasm backends compute synchronously, so
 * the call's wall time is the product's (no read-back).
 */
export function measureProducts(reps: number): Array<{ name: string; ms: number; gflops: number }> {
  const rng = new Rng(11);
  return MLP_PRODUCTS.map(({ name, m, k, n, transposeA, transposeB }) => {
    const draw = (rows: number, cols: number) => tf.tensor2d(Float32Array.from({ length: rows * cols }, () => rng.normal()), [rows, cols]);
    const a = transposeA ? draw(k, m) : draw(m, k);
    const b = transposeB ? draw(n, k) : draw(k, n);
    const once = (): number => {
      const t0 = performance.now();
      const c = tf.matMul(a, b, transposeA, transposeB);
      const ms = performance.now() - t0;
      c.dispose();
      return ms;
    };
    once();
    const ms = median(Array.from({ length: reps }, once));
    tf.dispose([a, b]);
    return { name, ms, gflops: (2 * m * n * k) / (ms * 1e6) };
  });
}
